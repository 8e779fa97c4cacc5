package io.dwcp.models.serving;

import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.features.DegradationFeatures;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stack's feature definition, its fit, its metadata form, and that every serving path serves it. */
class DegradationStackTest {
    static final int W = 60, F = DegradationFeatures.FEATURES;

    /** A window of raw link rows: throughput {@code bw[t]}, latency {@code lat}, loss 0.001. */
    static float[][] rows(double[] bw, double lat) {
        float[][] w = new float[bw.length][];
        for (int t = 0; t < bw.length; t++) w[t] = new float[] {(float) bw[t], (float) lat, 0.001f, 1f, 0f, 0f};
        return w;
    }

    static float[] headroom(float[][] w, DegradationSeries.Slo slo) {
        float[] x = new float[w.length * F];
        DegradationFeatures.transformWindow(w, slo.latencyMs(), slo.throughputMbps(), slo.errorRate(), x, 0,
                DegradationFeatures.Clamp.WIDE);
        return x;
    }

    static double feature(double[] all, String name) {
        return all[DegradationStack.ALL.indexOf(name)];
    }

    @Test
    void featuresOfASteadyLinkReadTheThroughputFloor() {
        double[] bw = new double[W];
        java.util.Arrays.fill(bw, 100);
        // Floor 40 of 100 Mbit/s: headroom ln(40/100); latency 10 ms against a 1000 ms ceiling is further away.
        DegradationSeries.Slo slo = new DegradationSeries.Slo(1000, 40, 0.5);
        double[] all = DegradationStack.all(headroom(rows(bw, 10), slo), 0, W, 0.2);
        assertEquals(Math.log(0.2 / 0.8), feature(all, "model_logit"), 1e-12);
        assertEquals(Math.log(0.4), feature(all, "headroom"), 1e-6);
        assertEquals(Math.log(1e-3), feature(all, "log_volatility"), 1e-9, "no step-to-step change");
        assertEquals(Math.log(0.4), feature(all, "trend"), 1e-5);
        assertEquals(0, feature(all, "slope"), 1e-9);
        assertEquals(0, feature(all, "breach_share"), 0);
        assertEquals(Math.log(0.4), feature(all, "peak_headroom"), 1e-6);
    }

    @Test
    void featuresFollowTheMetricNearestItsSlo() {
        double[] bw = new double[W];
        java.util.Arrays.fill(bw, 800);
        float[][] w = rows(bw, 0);
        // Latency alternates 90/110 ms against a 100 ms ceiling; throughput is far above its 10 Mbit/s floor.
        for (int t = 0; t < W; t++) w[t][1] = t % 2 == 0 ? 90f : 110f;
        DegradationSeries.Slo slo = new DegradationSeries.Slo(100, 10, 0.5);
        double[] all = DegradationStack.all(headroom(w, slo), 0, W, 0.5);
        double lo = Math.log(0.9), hi = Math.log(1.1);
        assertEquals((3 * hi + 2 * lo) / 5, feature(all, "headroom"), 1e-6, "last 5 steps: 110, 90, 110, 90, 110");
        assertEquals(Math.log(1e-3 + (hi - lo)), feature(all, "log_volatility"), 1e-3, "every step changes by ±(hi−lo)");
        double share = feature(all, "breach_share");
        assertTrue(share > 0.4 && share < 0.6, "5-step means alternate over and under the ceiling: " + share);
        assertEquals((3 * hi + 2 * lo) / 5, feature(all, "peak_headroom"), 1e-6);
    }

    @Test
    void featuresOfAWindowInsideABatchEqualThoseOfTheWindowAlone() {
        Random r = new Random(5);
        double[] a = new double[W], b = new double[W];
        for (int t = 0; t < W; t++) {
            a[t] = 50 + 20 * r.nextGaussian();
            b[t] = 80 - t + 5 * r.nextGaussian();
        }
        DegradationSeries.Slo slo = new DegradationSeries.Slo(1000, 30, 0.5);
        float[] xa = headroom(rows(a, 10), slo), xb = headroom(rows(b, 10), slo);
        float[] both = new float[2 * W * F];
        System.arraycopy(xa, 0, both, 0, xa.length);
        System.arraycopy(xb, 0, both, xa.length, xb.length);
        assertArrayEquals(DegradationStack.all(xb, 0, W, 0.3), DegradationStack.all(both, W * F, W, 0.3), 0);
        assertTrue(feature(DegradationStack.all(xb, 0, W, 0.3), "slope") > 0, "throughput falling: headroom rising");
    }

    @Test
    void fitRecoversAKnownLogisticRelation() {
        Random r = new Random(11);
        int n = 20_000;
        double[][] rows = new double[n][DegradationStack.ALL.size()];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            rows[i][0] = 2 * r.nextGaussian();
            rows[i][2] = -3 + r.nextGaussian();
            double z = 0.8 * rows[i][0] + 0.5 * rows[i][2] + 1;
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
        }
        DegradationStack s = DegradationStack.fit(List.of("model_logit", "log_volatility"), rows, y, 1e-3, 1);
        assertEquals(0.8, s.weights()[0], 0.05);
        assertEquals(0.5, s.weights()[1], 0.06);
        assertEquals(1.0, s.bias(), 0.2);
        assertEquals(1 / (1 + Math.exp(-(s.weights()[0] * rows[0][0] + s.weights()[1] * rows[0][2] + s.bias()))),
                s.probability(rows[0]), 1e-12);
    }

    @Test
    void metadataFormRoundTripsAndBadFormsAreRefusedByName() {
        DegradationStack s = new DegradationStack(List.of("model_logit", "log_volatility"), new double[] {1.02, 0.19}, 0.93);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(DegradationStack.PARAM, s.toParam());
        DegradationStack back = DegradationStack.of(params);
        assertEquals(s.features(), back.features());
        assertArrayEquals(s.weights(), back.weights(), 0);
        assertEquals(s.bias(), back.bias(), 0);
        assertNull(DegradationStack.of(Map.of()), "no stack named: the network's probability is served");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DegradationStack(List.of("distance"), new double[] {1}, 0));
        assertTrue(e.getMessage().contains("unknown stack feature 'distance'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DegradationStack(List.of("model_logit"), new double[] {1, 2}, 0));
        assertTrue(e.getMessage().contains("one weight per feature"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DegradationStack(List.of("model_logit"), new double[] {Double.NaN}, 0));
        e = assertThrows(IllegalArgumentException.class, () -> DegradationStack.of(Map.of(DegradationStack.PARAM, Map.of("features", List.of()))));
        assertTrue(e.getMessage().startsWith("stack must be"), e.getMessage());
    }

    /** The default artifact with a stack written into its metadata: TensorFlow and the native kernels both serve it. */
    @Test
    void everyServingPathServesTheStackOverTheNetwork() throws Exception {
        ModelArtifact plain = ModelArtifact.loadDefault("degradation");
        Random r = new Random(3);
        float[][][] w = new float[4][][];
        for (int i = 0; i < w.length; i++) {
            double[] bw = new double[W];
            for (int t = 0; t < W; t++) bw[t] = Math.max(0.1, 60 - (i * 8.0 * t) / W + 10 * r.nextGaussian());
            w[i] = rows(bw, 20);
        }
        DegradationSeries.Slo slo = new DegradationSeries.Slo(500, 25, 0.05);
        DegradationForecaster.Forecast[] net;
        try (DegradationForecaster f = new DegradationForecaster(plain)) {
            assertNull(f.stack());
            net = f.predict(w, slo);
        }
        for (DegradationForecaster.Forecast o : net) assertEquals(o.probability(), o.networkProbability(), 0);

        DegradationStack stack = new DegradationStack(List.of("model_logit", "log_volatility", "headroom"),
                new double[] {1.1, 0.4, 0.7}, 0.3);
        ModelMetadata md = plain.metadata();
        Map<String, Object> params = new LinkedHashMap<>(md.params());
        params.put(DegradationStack.PARAM, stack.toParam());
        new ModelMetadata(md.name(), "stack-test", md.trainedAt(), md.seed(), md.features(), md.targets(), md.window(),
                md.scaler(), md.targetScaler(), md.thresholds(), md.metrics(), md.targetSpec(), md.targetMet(), md.modelFile(),
                params, md.smokeTest()).write(plain.dir().resolve(ModelMetadata.FILE));
        ModelArtifact stacked = ModelArtifact.load(plain.dir());
        try (DegradationForecaster tf = new DegradationForecaster(stacked);
             DegradationForecaster nat = DegradationForecaster.onNativeKernels(stacked)) {
            for (DegradationForecaster f : List.of(tf, nat)) {
                DegradationForecaster.Forecast[] o = f.predict(w, slo);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(net[i].probability(), o[i].networkProbability(), 1e-5, f.engine());
                    double want = stack.probability(headroom(w[i], slo), 0, W, o[i].networkProbability());
                    assertEquals(want, o[i].probability(), 1e-12, f.engine());
                    assertEquals(o[i].probability() >= f.threshold(), o[i].degrading());
                    assertArrayEquals(net[i].throughputMbps(), o[i].throughputMbps(), 1e-3);
                }
                assertNotEquals(o[0].probability(), o[0].networkProbability());
            }
        }
    }
}

package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.data.DegradationSeries.Slo;
import io.dwcp.models.nets.DegradationNet;
import io.dwcp.models.tf.GraphParams;
import io.dwcp.models.tf.SavedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The fused serving graph must give the SavedModel's forecasts for the shipped degradation model. */
class FusedDegradationGraphTest {
    private static final int W = DegradationNet.WINDOW, F = DegradationNet.FEATURES;

    /** Graph level, in the network's own (headroom) coordinates: y, prob and attention within 1e-4, batches 1..129. */
    @Test
    void fusedGraphMatchesSavedModel() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        int horizon = ((Number) a.metadata().params().get("horizon")).intValue();
        try (TfModel saved = new TfModel(a.modelPath(), 1);
             FusedDegradationGraph fused = new FusedDegradationGraph(saved, horizon, null)) {
            assertEquals(1, fused.layers());
            assertTrue(fused.verifiedAgainst(saved) <= FusedDegradationGraph.TOLERANCE);
            SplittableRandom r = new SplittableRandom(7);
            double worst = 0;
            for (int batch : new int[] {1, 2, 3, 5, 8, 13, 31, 58, 64, 65, 129}) {
                float[] x = FusedDegradationGraph.checkWindows(batch, r);
                List<float[]> want = saved.run(List.of(new TfModel.Input("x", x, new long[] {batch, W, F})),
                        List.of("y", "prob", "attention"));
                FusedDegradationGraph.Outputs got = fused.run(x, batch);
                worst = Math.max(worst, maxDiff(want.get(0), got.y(), "y", batch));
                worst = Math.max(worst, maxDiff(want.get(1), got.prob(), "prob", batch));
                worst = Math.max(worst, maxDiff(want.get(2), got.attention(), "attention", batch));
            }
            System.out.println("fused degradation graph: max |diff| vs SavedModel over batches 1..129 = " + worst);
            FusedDegradationGraph.Outputs none = fused.run(new float[0], 0);
            assertEquals(0, none.y().length);
        }
    }

    /** Forecaster level, raw link windows and SLOs in, raw forecasts out: both graphs give the same forecasts. */
    @Test
    void fusedForecasterMatchesSavedModel() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        try (DegradationForecaster plain = new DegradationForecaster(a, false);
             DegradationForecaster fused = new DegradationForecaster(a, true)) {
            assertEquals("savedmodel", plain.engine());
            assertNull(plain.fusedGraph());
            assertTrue(fused.engine().startsWith("fused-lstm"), fused.engine());
            SplittableRandom r = new SplittableRandom(11);
            for (int batch : new int[] {1, 3, 64, 129}) {
                float[][][] x = new float[batch][W][];
                Slo[] slo = new Slo[batch];
                for (int i = 0; i < batch; i++) {
                    double bw = 50 + 5000 * r.nextDouble(), lat = 1 + 150 * r.nextDouble(), loss = 0.02 * r.nextDouble();
                    double ramp = r.nextDouble() < 0.3 ? 1 + 2 * r.nextDouble() : 1, tod = 24 * r.nextDouble();
                    slo[i] = new Slo(lat * (1.2 + r.nextDouble()), bw * (0.3 + 0.5 * r.nextDouble()), 0.005 + 0.02 * r.nextDouble());
                    for (int t = 0; t < W; t++) {
                        double g = 1 + (ramp - 1) * t / (W - 1.0);
                        x[i][t] = new float[] {(float) (bw / g * (0.9 + 0.2 * r.nextDouble())),
                            (float) (lat * g * (0.9 + 0.2 * r.nextDouble())), (float) (loss * g * r.nextDouble()),
                            (float) (2 * r.nextDouble()), (float) ((tod + t / 60.0) % 24), 3};
                    }
                }
                DegradationForecaster.Forecast[] want = plain.predict(x, slo);
                DegradationForecaster.Forecast[] got = fused.predict(x, slo);
                for (int i = 0; i < batch; i++) {
                    String at = "batch " + batch + " row " + i;
                    assertEquals(want[i].probability(), got[i].probability(), 1e-4, at);
                    assertEquals(want[i].degrading(), got[i].degrading(), at);
                    for (int h = 0; h < fused.horizon(); h++) {
                        // y within 1e-4 in log-headroom units: raw values within ~1e-4 relative (error rate: 3e-4).
                        assertEquals(want[i].latencyMs()[h], got[i].latencyMs()[h], 2e-4 * Math.abs(want[i].latencyMs()[h]), at);
                        assertEquals(want[i].throughputMbps()[h], got[i].throughputMbps()[h],
                                2e-4 * Math.abs(want[i].throughputMbps()[h]), at);
                        assertEquals(want[i].errorRate()[h], got[i].errorRate()[h],
                                5e-4 * (want[i].errorRate()[h] + 1e-4), at);
                    }
                    for (int t = 0; t < W; t++) {
                        assertEquals(want[i].attention()[t], got[i].attention()[t], 1e-4, at);
                    }
                }
            }
        }
    }

    /**
     * Layer count and sizes come from the weights: a two-layer network of other widths (random Glorot weights,
     * exported like a trained one) is rebuilt and passes the same check.
     */
    @Test
    void twoLayerNetworkOfOtherSizesMatches(@TempDir Path dir) throws Exception {
        DegradationNet.Shape shape = new DegradationNet.Shape(8, 2, 6, 12, 5);
        SavedModels.Forward serving = (tf, p, in) -> DegradationNet.serving(tf, p, in, shape);
        Map<String, float[]> weights;
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            GraphParams p = new GraphParams(tf, 99);
            serving.build(tf, p, Map.of("x", tf.placeholder(TFloat32.class)));
            try (Session s = new Session(g)) {
                s.initialize();
                weights = p.snapshot(s);
            }
        }
        Path sm = dir.resolve("saved_model");
        SavedModels.export(sm, serving, weights, Map.of("x", new long[] {W, F}));
        try (TfModel saved = new TfModel(sm, 1);
             FusedDegradationGraph fused = new FusedDegradationGraph(saved, shape.horizon(), null)) {
            assertEquals(2, fused.layers());
            assertEquals(8, fused.hidden());
            assertTrue(fused.verifiedAgainst(saved) <= FusedDegradationGraph.TOLERANCE);
        }
    }

    /** A graph with the gates in the wrong blocks builds and runs, and the load-time check refuses it. */
    @Test
    void wrongWeightLayoutIsRefused() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        int horizon = ((Number) a.metadata().params().get("horizon")).intValue();
        try (TfModel saved = new TfModel(a.modelPath(), 1)) {
            for (String[] gates : new String[][] {{"f", "i", "g", "o"}, {"i", "f", "o", "g"}}) {
                try (FusedDegradationGraph wrong = new FusedDegradationGraph(saved, horizon, null, gates)) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrong.verifiedAgainst(saved));
                    assertTrue(e.getMessage().contains("differs from the SavedModel"), e.getMessage());
                }
            }
        }
    }

    /** Weights that do not fit the metadata (here a horizon the reg head was not trained for): the SavedModel serves. */
    @Test
    void forecasterFallsBackToSavedModelWhenRewriteIsRefused(@TempDir Path dir) throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        try (var files = Files.walk(a.dir())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(a.dir().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path md = dir.resolve(ModelMetadata.FILE);
        String json = Files.readString(md);
        assertTrue(json.contains("\"horizon\" : 30,"));
        Files.writeString(md, json.replace("\"horizon\" : 30,", "\"horizon\" : 29,"));
        try (DegradationForecaster f = new DegradationForecaster(ModelArtifact.load(dir), true)) {
            assertTrue(f.engine().startsWith("savedmodel (fused graph refused: "), f.engine());
            assertNull(f.fusedGraph());
        }
    }

    /** Built inside {@link TfModel#withConfig}, the fused graph's session uses that config like the SavedModel's. */
    @Test
    void fusedGraphUsesTheConstructionConfig() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        try (DegradationForecaster f = TfModel.withConfig(SessionConfigTest.CPU_ONE_THREAD,
                () -> new DegradationForecaster(a, true))) {
            assertTrue(f.engine().startsWith("fused-lstm"), f.engine());
            assertSame(SessionConfigTest.CPU_ONE_THREAD, f.tfModel().config());
            assertSame(SessionConfigTest.CPU_ONE_THREAD, f.fusedGraph().config());
        }
    }

    private static double maxDiff(float[] want, float[] got, String name, int batch) {
        assertEquals(want.length, got.length, name + " batch " + batch);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            assertTrue(d <= FusedDegradationGraph.TOLERANCE, name + " batch " + batch + " value " + i + " differs by " + d);
            worst = Math.max(worst, d);
        }
        return worst;
    }
}

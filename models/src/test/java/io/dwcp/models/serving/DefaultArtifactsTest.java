package io.dwcp.models.serving;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed default artifacts load from the classpath (metadata.json + model file only) and reproduce
 * the smoke-test outputs recorded when they were exported; each says its targets were met.
 */
class DefaultArtifactsTest {
    @Test
    void bandwidth() throws Exception {
        try (BandwidthForecaster f = BandwidthForecaster.loadDefault()) {
            ModelMetadata md = f.metadata();
            // Issue 14's targets (>= 10 % median gain over last value, best on every family x interval, ...) are
            // the model's targets and are reported as missed where they are (report.md, target_met); what the
            // shipped forecaster must at least do, on its held-out test traces, is checked here.
            Map<String, Object> m = md.metrics();
            assertEquals(2, f.featureVersion());
            assertTrue(num(m, "traces_model_median_ape") < num(m, "traces_last_value_median_ape"), "median APE below last value's");
            assertTrue(num(m, "traces_model_mape") <= num(m, "traces_last_value_mape"), "mean APE at most last value's");
            assertTrue(num(m, "traces_interval_coverage_error_pts") <= 3, "p10-p90 coverage within 3 points of 80 %");
            float[][][] in = ModelMetadata.json().convertValue(md.smokeTest().get("inputs"), float[][][].class);
            float[][] out = ModelMetadata.json().convertValue(md.smokeTest().get("outputs"), float[][].class);
            float[][] got = f.predict(in);
            for (int i = 0; i < got.length; i++) {
                for (int j = 0; j < got[i].length; j++) assertEquals(out[i][j], got[i][j], ulps(out[i][j]), "output " + i + "," + j);
            }
            double[] steps = ModelMetadata.json().convertValue(md.smokeTest().get("step_seconds"), double[].class);
            float[][] withStep = ModelMetadata.json().convertValue(md.smokeTest().get("outputs_with_step"), float[][].class);
            got = f.predictWithStep(in, steps);
            for (int i = 0; i < got.length; i++) {
                for (int j = 0; j < got[i].length; j++) {
                    assertEquals(withStep[i][j], got[i][j], ulps(withStep[i][j]), "output with step " + i + "," + j);
                }
            }
            // The same through per-row timestamps at those steps.
            long[][] ts = new long[in.length][in[0].length];
            for (int i = 0; i < in.length; i++) {
                for (int t = 0; t < in[i].length; t++) ts[i][t] = Math.round(t * steps[i] * 1000);
            }
            got = f.predict(in, ts);
            for (int i = 0; i < got.length; i++) assertEquals(withStep[i][0], got[i][0], 1e-3 * withStep[i][0], "timestamps " + i);
        }
    }

    /**
     * TensorFlow's CPU kernels pick their code path by instruction set (AVX2, AVX-512, ...), which changes the
     * last bits of a float sum: recorded on one host, a smoke output is reproduced to a few float ulps on
     * another, not bit for bit (seen: 0.0010284369 vs 0.001028437 on an AVX-512 host). 64 ulps at float
     * precision is ~8e-6 relative; a wrong weight or feature order is off by orders of magnitude more.
     */
    static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    static double ulps(double expected) {
        return 64 * Math.ulp((float) Math.max(Math.abs(expected), 1e-3));
    }

    @Test
    void compression() throws Exception {
        try (CompressionSelector s = CompressionSelector.loadDefault()) {
            ModelMetadata md = s.metadata();
            assertTrue(md.targetMet());
            float[][] in = ModelMetadata.json().convertValue(md.smokeTest().get("inputs"), float[][].class);
            int[] codecs = ModelMetadata.json().convertValue(md.smokeTest().get("codecs"), int[].class);
            assertArrayEquals(codecs, s.selectOrdinals(in));
        }
    }

    @Test
    void reliability() throws Exception {
        try (ReliabilityDetector r = ReliabilityDetector.loadDefault()) {
            ModelMetadata md = r.metadata();
            assertTrue(md.targetMet());
            double[][] in = ModelMetadata.json().convertValue(md.smokeTest().get("inputs"), double[][].class);
            double[] scores = ModelMetadata.json().convertValue(md.smokeTest().get("scores"), double[].class);
            double[] got = r.score(in);
            // C and Java kernels are bit-identical to the reference walk training used; CUDA promises 1e-6.
            double tol = r.implementation() == io.dwcp.jni.Implementation.CUDA ? 1e-6 : 0.0;
            for (int i = 0; i < got.length; i++) assertEquals(scores[i], got[i], tol * scores[i], "score " + i);
        }
    }

    @Test
    void latency() throws Exception {
        try (LatencyDetector l = LatencyDetector.loadDefault()) {
            ModelMetadata md = l.metadata();
            assertTrue(md.targetMet());
            float[][][] in = ModelMetadata.json().convertValue(md.smokeTest().get("inputs"), float[][][].class);
            double[] errors = ModelMetadata.json().convertValue(md.smokeTest().get("errors"), double[].class);
            LatencyDetector.Detection[] d = l.detect(in);
            for (int i = 0; i < d.length; i++) assertEquals(errors[i], d[i].error(), ulps(errors[i]), "error " + i);
            assertEquals(LatencyDetector.Severity.NONE, d[0].severity());
            // The second sample is the test split's first anomalous window (the one with the least overlap).
            assertTrue(d[1].error() > d[0].error());
        }
    }

    @Test
    void concurrentCallsGiveTheSameAnswers() throws Exception {
        try (BandwidthForecaster f = new BandwidthForecaster(ModelArtifact.loadDefault("bandwidth"), 1)) {
            float[][][] in = ModelMetadata.json().convertValue(f.metadata().smokeTest().get("inputs"), float[][][].class);
            float[][] expected = f.predict(in);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<float[][]>> fs = new java.util.ArrayList<>();
                for (int i = 0; i < 32; i++) fs.add(pool.submit(() -> f.predict(in)));
                for (var fut : fs) {
                    float[][] got = fut.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    for (int i = 0; i < got.length; i++) assertArrayEquals(expected[i], got[i], 0f);
                }
            } finally {
                pool.shutdownNow();
            }
            f.close();
            assertThrows(IllegalStateException.class, () -> f.predict(in), "use after close is refused");
        }
    }
}

package io.dwcp.models.train;

import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticDegradation;
import io.dwcp.models.data.Traces;
import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.ModelArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The degradation forecaster trained briefly on a tiny seeded set: same seed gives the same weights, and
 * the exported SavedModel reloaded in a fresh loader reproduces exactly the outputs recorded at export.
 */
class DegradationTrainerTest {

    @Test
    void shortTrainingExportsReloadsIdenticallyAndIsDeterministic(@TempDir Path dir) throws Exception {
        TrainConfig cfg = new TrainConfig(42, 2, dir.resolve("a"), null, null, 0.98, 0.04, 1, false);
        TrainResult r = new DegradationTrainer().train(cfg, Progress.none());
        TrainResult again = new DegradationTrainer().train(
                new TrainConfig(42, 2, dir.resolve("b"), null, null, 0.98, 0.04, 1, false), Progress.none());
        assertArrayEquals(Files.readAllBytes(r.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                Files.readAllBytes(again.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                "same seed must give identical weights");
        assertEquals(r.metrics().get("lead10_detection_rate"), again.metrics().get("lead10_detection_rate"));

        ModelArtifact a = ModelArtifact.load(r.artifactDir());
        assertEquals(DegradationTrainer.VERSION, a.metadata().version());
        var smoke = a.metadata().smokeTest();
        float[][][] in = TrainAndReloadTest.toFloat3(smoke.get("inputs"));
        List<?> slo = (List<?>) smoke.get("slo");
        DegradationSeries.Slo s = new DegradationSeries.Slo(((Number) slo.get(0)).doubleValue(),
                ((Number) slo.get(1)).doubleValue(), ((Number) slo.get(2)).doubleValue());
        try (DegradationForecaster f = new DegradationForecaster(a)) {
            DegradationForecaster.Forecast o = f.predict(in, s)[0];
            assertEquals(((Number) smoke.get("probability")).doubleValue(), o.probability(), 0.0);
            assertArrayEquals(doubles(smoke.get("latency_ms")), o.latencyMs(), 0.0);
            assertArrayEquals(doubles(smoke.get("throughput_mbps")), o.throughputMbps(), 0.0);
            assertArrayEquals(doubles(smoke.get("error_rate")), o.errorRate(), 0.0);
            assertArrayEquals(doubles(smoke.get("attention")), o.attention(), 0.0);
            assertEquals(DegradationTrainer.HORIZON, o.latencyMs().length);
            assertEquals(60, o.attention().length);
            double sum = 0;
            for (double w : o.attention()) sum += w;
            assertEquals(1.0, sum, 1e-4, "attention weights sum to 1");
            assertTrue(o.probability() >= 0 && o.probability() <= 1);
            assertThrows(IllegalArgumentException.class, () -> f.predict(new float[][][] {new float[59][6]}, s));
        }
        // The fused serving graph rebuilds these freshly trained weights and passes its load-time check too.
        try (DegradationForecaster f = new DegradationForecaster(a, true)) {
            assertTrue(f.engine().startsWith("fused-lstm"), f.engine());
            DegradationForecaster.Forecast o = f.predict(in, s)[0];
            assertEquals(((Number) smoke.get("probability")).doubleValue(), o.probability(), 1e-4);
            assertArrayEquals(doubles(smoke.get("attention")), o.attention(), 1e-4);
        }
        // Trained in, and served within, the wide headroom range; the calibration is recorded and was fitted.
        assertEquals(DegradationFeatures.Clamp.WIDE.toParam(), a.metadata().params().get(DegradationFeatures.Clamp.PARAM));
        Map<?, ?> cal = (Map<?, ?>) a.metadata().params().get("calibration");
        assertTrue(((Number) cal.get("validation_asks")).intValue() > 0, cal.toString());
        assertTrue(((Number) cal.get("validation_brier_after")).doubleValue()
                <= ((Number) cal.get("validation_brier_before")).doubleValue() + 1e-9, cal.toString());
        assertTrue(r.metrics().containsKey("real_f40_auc_model"));
        for (String file : List.of("report.md", "report.json", "loss_curves.png", "mape_by_horizon.png", "example_forecast.png",
                "reliability.png", "files.txt")) {
            assertTrue(Files.exists(r.artifactDir().resolve(file)), file);
        }
        assertTrue(r.metrics().containsKey("false_warning_rate"));
        assertTrue(r.metrics().containsKey("latency_mape_by_horizon"));
    }

    @Test
    void generatorLabelsOnsetsBeforeBreachesAndKeepsHealthySeriesUnderTheSlo() {
        List<DegradationSeries> all = SyntheticDegradation.generate(60, DegradationTrainer.LENGTH, 5);
        assertArrayEquals(all.get(7).rows()[100], SyntheticDegradation.generate(60, DegradationTrainer.LENGTH, 5).get(7).rows()[100]);
        int degrading = 0;
        for (DegradationSeries s : all) {
            boolean[] b = s.breaches();
            if (s.shape().equals("healthy") || s.shape().equals("benign")) {
                assertEquals(-1, s.breach(), s.id());
                for (boolean x : b) assertFalse(x, s.id() + " " + s.shape() + " must stay within its SLO");
            } else {
                degrading++;
                assertTrue(s.breach() > s.onset(), s.id() + ": breach after onset");
                assertTrue(s.breach() - DegradationTrainer.HORIZON >= 59, s.id() + ": a full early-warning band");
                for (int t = 0; t < s.onset(); t++) assertFalse(b[t], s.id() + " breached before onset at " + t);
            }
        }
        assertEquals(30, degrading);
    }

    static double[] doubles(Object o) {
        return ((List<?>) o).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    @Test
    void plattScalingRecoversAKnownMiscalibrationAndFoldsIntoTheHead() {
        // Labels drawn with P = sigmoid(2·logit(p) - 1): the fit recovers a ≈ 2, b ≈ -1.
        java.util.Random rnd = new java.util.Random(3);
        int n = 20000;
        double[] p = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            p[i] = 0.02 + 0.96 * rnd.nextDouble();
            y[i] = rnd.nextDouble() < DegradationTrainer.sigmoid(2 * DegradationTrainer.logit(p[i]) - 1);
        }
        double[] ab = DegradationTrainer.platt(p, y);
        assertEquals(2, ab[0], 0.1);
        assertEquals(-1, ab[1], 0.1);
        Map<String, float[]> w = DegradationTrainer.foldPlatt(Map.of("cls_w", new float[] {0.5f, -1f}, "cls_b",
                new float[] {0.25f}, "d1_w", new float[] {3f}), 2, -1);
        assertArrayEquals(new float[] {1f, -2f}, w.get("cls_w"));
        assertArrayEquals(new float[] {-0.5f}, w.get("cls_b"));
        assertArrayEquals(new float[] {3f}, w.get("d1_w"));
    }

    @Test
    void aTestFamilyIsHeldOutWholeAndTheRestSplitByTrace() {
        List<LinkSeries> traces = Traces.bundled();
        var sp = DegradationTrainer.traceSplit(traces, "norway", 1);
        assertTrue(sp.test().stream().allMatch(s -> Traces.family(s.id()).equals("norway")));
        assertEquals(traces.stream().filter(s -> Traces.family(s.id()).equals("norway")).count(), sp.test().size());
        assertTrue(sp.train().stream().noneMatch(s -> Traces.family(s.id()).equals("norway")));
        assertTrue(sp.val().stream().noneMatch(s -> Traces.family(s.id()).equals("norway")));
        assertEquals(traces.size(), sp.train().size() + sp.val().size() + sp.test().size());
        assertThrows(IllegalArgumentException.class, () -> new DegradationTrainer("5g"));
    }

    /** The agent tells models apart by name and version, so the trainer writes the version it is given. */
    @Test
    void theVersionIsTheTrainersOwnOrTheOneGivenAndMustBeAToken() {
        assertEquals(DegradationTrainer.VERSION, new DegradationTrainer("norway").version());
        assertNotEquals("1.0.0", DegradationTrainer.VERSION, "1.0.0 is the network-only model shipped before");
        assertEquals("2.0.0-rc1", new DegradationTrainer(null, "2.0.0-rc1").version());
        for (String bad : new String[] {"", " 1.1", "1.1 beta", "../x", "-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DegradationTrainer(null, bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DegradationTrainer(null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DegradationTrainer(null, "1.1.0", List.of("model_logit", "distance")));
        assertTrue(e.getMessage().contains("unknown stack feature 'distance'"), e.getMessage());
    }
}

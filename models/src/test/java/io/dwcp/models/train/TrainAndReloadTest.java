package io.dwcp.models.train;

import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.CompressionSelector;
import io.dwcp.models.serving.LatencyDetector;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Trains each TensorFlow model briefly on a tiny seeded set, then reloads the exported artifact in a
 * fresh loader and checks it reproduces, bit for bit, the outputs recorded at export time.
 */
class TrainAndReloadTest {

    @Test
    void bandwidthExportReloadsIdentically(@TempDir Path dir) throws Exception {
        TrainResult r = new BandwidthTrainer().train(TrainConfig.quick(dir, 42), Progress.none());
        ModelArtifact a = ModelArtifact.load(r.artifactDir());
        float[][][] in = toFloat3(a.metadata().smokeTest().get("inputs"));
        float[][] expected = toFloat2(a.metadata().smokeTest().get("outputs"));
        try (BandwidthForecaster f = new BandwidthForecaster(a)) {
            float[][] got = f.predict(in);
            for (int i = 0; i < got.length; i++) assertArrayEquals(expected[i], got[i], 0f);
            assertEquals(5, got[0].length);
            assertTrue(got[0][4] >= 0 && got[0][4] <= 1, "confidence in 0..1");
        }
        assertTrue(Files.exists(r.artifactDir().resolve("report.md")));
        assertTrue(Files.size(r.artifactDir().resolve("forecast_vs_actual_trace.png")) > 1000);
        // issue 16: the trainer writes the TF-free weights file, lists it in the manifest, and it passes its golden check
        assertTrue(Files.readString(r.artifactDir().resolve(ModelArtifact.MANIFEST)).contains(io.dwcp.jni.nets.NetWeights.FILE_NAME));
        try (io.dwcp.jni.nets.Net n = io.dwcp.jni.nets.Nets.load(r.artifactDir().resolve(io.dwcp.jni.nets.NetWeights.FILE_NAME))) {
            assertEquals("bandwidth", n.model());
        }
    }

    @Test
    void compressionExportReloadsIdenticallyAndSameSeedSameMetrics(@TempDir Path dir) throws Exception {
        TrainResult r1 = new CompressionTrainer().train(TrainConfig.quick(dir.resolve("a"), 7), Progress.none());
        TrainResult r2 = new CompressionTrainer().train(TrainConfig.quick(dir.resolve("b"), 7), Progress.none());
        assertEquals(r1.metrics().get("oracle_agreement"), r2.metrics().get("oracle_agreement"));
        assertEquals(r1.metrics().get("mean_gain_vs_none"), r2.metrics().get("mean_gain_vs_none"));
        assertArrayEquals(Files.readAllBytes(r1.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                Files.readAllBytes(r2.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                "same seed must give identical weights");
        ModelArtifact a = ModelArtifact.load(r1.artifactDir());
        float[][] in = toFloat2(a.metadata().smokeTest().get("inputs"));
        List<?> codecs = (List<?>) a.metadata().smokeTest().get("codecs");
        try (CompressionSelector s = new CompressionSelector(a)) {
            int[] got = s.selectOrdinals(in);
            for (int i = 0; i < got.length; i++) assertEquals(((Number) codecs.get(i)).intValue(), got[i]);
            CompressionSelector.Choice c = s.select(in)[0];
            assertTrue(c.probability() > 0 && c.probability() <= 1);
        }
    }

    @Test
    void latencyExportReloadsIdenticallyAndSameSeedSameWeights(@TempDir Path dir) throws Exception {
        TrainResult r = new LatencyTrainer().train(TrainConfig.quick(dir, 42), Progress.none());
        TrainResult again = new LatencyTrainer().train(TrainConfig.quick(dir.resolve("again"), 42), Progress.none());
        assertArrayEquals(Files.readAllBytes(r.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                Files.readAllBytes(again.artifactDir().resolve("saved_model/variables/variables.data-00000-of-00001")),
                "same seed must give identical weights (the loss must not go through Stack)");
        assertEquals(r.metrics().get("detection_accuracy"), again.metrics().get("detection_accuracy"));
        assertEquals(r.metrics().get("roc_auc"), again.metrics().get("roc_auc"));
        ModelArtifact a = ModelArtifact.load(r.artifactDir());
        float[][][] in = toFloat3(a.metadata().smokeTest().get("inputs"));
        List<?> errors = (List<?>) a.metadata().smokeTest().get("errors");
        try (LatencyDetector d = new LatencyDetector(a)) {
            LatencyDetector.Detection[] det = d.detect(in);
            for (int i = 0; i < det.length; i++) {
                assertEquals(((Number) errors.get(i)).doubleValue(), det[i].error(), 0.0);
                double sum = 0;
                for (double c : det[i].featureContributions()) sum += c;
                assertEquals(det[i].error() * 12, sum, 1e-9 * Math.max(1, sum));
                float att = 0;
                for (float w : det[i].attention()) att += w;
                assertEquals(1f, att, 1e-4f);
            }
            assertEquals(d.threshold(), a.metadata().threshold("anomaly"));
        }
    }

    @Test
    void artifactWithFeaturesInAnotherOrderIsRefused(@TempDir Path dir) throws Exception {
        new ReliabilityTrainer().train(TrainConfig.quick(dir, 1), Progress.none());
        Path md = dir.resolve("reliability/metadata.json");
        String json = Files.readString(md).replaceFirst("\"uptime_pct\",\\s*\"failure_rate\"", "\"failure_rate\", \"uptime_pct\"");
        Files.writeString(md, json);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> ModelArtifact.load(dir.resolve("reliability")));
        assertTrue(e.getMessage().contains("expects features"), e.getMessage());
    }

    static float[][][] toFloat3(Object o) {
        return ModelMetadata.json().convertValue(o, float[][][].class);
    }

    static float[][] toFloat2(Object o) {
        return ModelMetadata.json().convertValue(o, float[][].class);
    }

    static Map<String, Object> smoke(ModelArtifact a) {
        return a.metadata().smokeTest();
    }
}

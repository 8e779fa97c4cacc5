package io.dwcp.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.serving.DegradationStack;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --degradation} through the CLI on a few synthetic traces written here, with the embedded model. */
class EvaluateDegradationTest {
    @TempDir
    Path tmp;

    /**
     * ~50 Mbit/s with noise and three dips to ~4 Mbit/s (below both floors, 40 % and 25 % of the median), each
     * ramped down over 20 steps so that a forecaster can see it coming, 140 steps apart (more than the protocol's
     * 30 quiet steps between events).
     */
    static void writeTrace(Path file, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < 480; t++) {
            double v = 50 * (1 + 0.05 * r.nextGaussian());
            int k = (t - 90) % 140;
            if (t >= 90 && k < 20) v *= 1 - 0.92 * (k + 1) / 20.0;
            else if (t >= 90 && k < 35) v *= 0.08;
            sb.append(t).append('\t').append(String.format(Locale.ROOT, "%.3f", v)).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    Path traces() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("traces"));
        for (int i = 0; i < 3; i++) writeTrace(dir.resolve("trace-" + i + ".txt"), i);
        return dir;
    }

    /** The last stdout line, parsed; every figure of every predictor present and finite, at both floors. */
    static JsonNode json(EvaluateInputsTest.Run r, List<String> predictors) throws Exception {
        assertEquals(0, r.rc(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("degradation", j.get("mode").asText());
        assertEquals(3, j.get("series").asInt());
        assertEquals(1, j.get("resample_factor").asInt());
        assertTrue(j.hasNonNull("model_version"), j.toString());
        for (String floor : List.of("floor_40", "floor_25")) {
            JsonNode f = j.get(floor);
            assertTrue(f != null && f.isObject(), floor + " in " + j);
            assertEquals(3, f.get("series").asInt());
            assertEquals(9, f.get("events").asInt(), floor + ": three dips in each of three traces");
            assertTrue(f.get("positive_asks").asInt() > 0 && f.get("positive_asks").asInt() < f.get("asks").asInt(), f.toString());
            for (String p : predictors) {
                JsonNode m = f.get(p);
                assertTrue(m != null && m.isObject(), floor + " lacks " + p);
                List<String> keys = new ArrayList<>(List.of("roc_auc", "early_detection_at_model_fwr", "early_detection_at_fwr_0.05"));
                if (!p.equals("distance_to_floor")) keys.add("brier");
                if (!p.equals("distance_to_floor") && !p.equals("network")) keys.addAll(List.of("early_detection", "false_warning_rate"));
                for (String k : keys) assertFinite(m.get(k), floor + " " + p + " " + k);
                assertFalse(p.equals("distance_to_floor") && m.has("early_detection"), "distance to floor never warns");
            }
            assertFinite(f.get("auc_gain_vs_trend"), floor + " auc_gain_vs_trend");
            assertFinite(f.get("auc_gain_vs_distance"), floor + " auc_gain_vs_distance");
            JsonNode b = f.get("bootstrap");
            assertEquals(DegradationEvaluation.BOOTSTRAP, b.get("resamples").asInt());
            for (String k : List.of("auc_model", "auc_trend", "auc_distance", "auc_gain_vs_trend", "auc_gain_vs_distance")) {
                assertEquals(3, b.get(k).size(), k);
                for (JsonNode v : b.get(k)) assertFinite(v, floor + " bootstrap " + k);
                assertTrue(b.get(k).get(0).asDouble() <= b.get(k).get(2).asDouble(), k + " interval " + b.get(k));
            }
        }
        return j;
    }

    static void assertFinite(JsonNode v, String what) {
        assertTrue(v != null && v.isNumber() && Double.isFinite(v.asDouble()), what + ": " + v);
    }

    @Test
    @Timeout(120)
    void embeddedModelAgainstTheBaselines() throws Exception {
        JsonNode j = json(EvaluateInputsTest.evaluate("evaluate", "--degradation", traces().toString()), List.of("model", "trend", "distance_to_floor"));
        assertFalse(j.has("stack"), "the embedded artifact has no stack");
        assertFalse(j.get("floor_40").has("network"));
    }

    /** A stacked artifact (the embedded one with a stack in its metadata) also reports its network alone. */
    @Test
    @Timeout(120)
    void stackedArtifactAlsoReportsItsNetwork() throws Exception {
        ModelArtifact plain = ModelArtifact.loadDefault("degradation");
        ModelMetadata md = plain.metadata();
        Map<String, Object> params = new LinkedHashMap<>(md.params());
        params.put(DegradationStack.PARAM, new DegradationStack(List.of("model_logit", "log_volatility", "headroom"),
                new double[] {1.1, 0.4, 0.7}, 0.3).toParam());
        new ModelMetadata(md.name(), "stack-test", md.trainedAt(), md.seed(), md.features(), md.targets(), md.window(),
                md.scaler(), md.targetScaler(), md.thresholds(), md.metrics(), md.targetSpec(), md.targetMet(), md.modelFile(),
                params, md.smokeTest()).write(plain.dir().resolve(ModelMetadata.FILE));
        JsonNode j = json(EvaluateInputsTest.evaluate("evaluate", "--degradation", traces().toString(), "--model-dir", plain.dir().toString()),
                List.of("model", "trend", "distance_to_floor", "network"));
        assertEquals("stack-test", j.get("model_version").asText());
        assertTrue(j.get("stack").isObject(), j.toString());
    }

    @Test
    void aMissingOrEmptyFolderIsAClearError() throws Exception {
        Path missing = tmp.resolve("nowhere");
        EvaluateInputsTest.Run r = EvaluateInputsTest.evaluate("evaluate", "--degradation", missing.toString());
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("--degradation " + missing + ": not a folder"), r.err());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        r = EvaluateInputsTest.evaluate("evaluate", "--degradation", empty.toString());
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("--degradation " + empty + ": no trace of at least 90 steps (after --resample 1) among its 0 files"),
                r.err());

        Path shortOnes = Files.createDirectories(tmp.resolve("short"));
        Files.writeString(shortOnes.resolve("a.txt"), "0\t10\n1\t11\n2\t9\n");
        r = EvaluateInputsTest.evaluate("evaluate", "--degradation", shortOnes.toString());
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("no trace of at least 90 steps (after --resample 1) among its 1 files"), r.err());
    }
}

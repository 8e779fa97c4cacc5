package io.dwcp.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Evaluate's JSON is strict JSON: a figure that is not finite is null, never NaN, Infinity or their strings. */
class EvaluateJsonTest {
    @TempDir
    Path tmp;

    /** Jackson's defaults reject NaN/Infinity tokens; trailing content is rejected too. */
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Test
    void strictParserRejectsNonFiniteTokens() {
        assertThrows(JsonProcessingException.class, () -> STRICT.readTree("{\"a\":NaN}"));
        assertThrows(JsonProcessingException.class, () -> STRICT.readTree("{\"a\":Infinity}"));
    }

    @Test
    void nonFiniteFiguresAreNullAtAnyDepth() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("auc", Double.NaN);
        inner.put("ratio", Double.POSITIVE_INFINITY);
        inner.put("gain", -0.25);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("floor_40", inner);
        m.put("interval", List.of(Double.NaN, 0.5, Double.NEGATIVE_INFINITY));
        m.put("array", new double[] {1.5, Double.NaN});
        m.put("floats", new float[] {Float.NaN, 2f});
        m.put("float", Float.POSITIVE_INFINITY);
        m.put("n", 3);

        String json = EvaluateCommand.JSON.writeValueAsString(m);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        JsonNode j = STRICT.readTree(json);
        assertTrue(j.get("floor_40").get("auc").isNull(), json);
        assertTrue(j.get("floor_40").get("ratio").isNull(), json);
        assertEquals(-0.25, j.get("floor_40").get("gain").doubleValue());
        assertTrue(j.get("interval").get(0).isNull() && j.get("interval").get(2).isNull(), json);
        assertEquals(0.5, j.get("interval").get(1).doubleValue());
        assertEquals(1.5, j.get("array").get(0).doubleValue());
        assertTrue(j.get("array").get(1).isNull(), json);
        assertTrue(j.get("floats").get(0).isNull(), json);
        assertEquals(2.0, j.get("floats").get(1).doubleValue());
        assertTrue(j.get("float").isNull(), json);
        assertEquals(3, j.get("n").intValue());
        // The indented form --output writes is the same document.
        assertEquals(j, STRICT.readTree(EvaluateCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m)));
    }

    /**
     * {@code --degradation} on one steady trace: no throughput ever falls below a floor, so there is no event, the
     * asks hold one class and every ROC-AUC is undefined. Both the last stdout line and {@code --output} parse
     * strictly and hold null there, while the defined figures stay numbers.
     */
    @Test
    @Timeout(60)
    void degradationWithoutEventsPrintsNullForTheUndefinedFigures() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("steady"));
        Random r = new Random(5);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < 200; t++) {
            sb.append(t).append('\t').append(String.format(Locale.ROOT, "%.3f", 50 * (1 + 0.03 * r.nextGaussian()))).append('\n');
        }
        Files.writeString(dir.resolve("steady.txt"), sb.toString());
        Path out = tmp.resolve("result.json");

        EvaluateInputsTest.Run run = EvaluateInputsTest.evaluate("evaluate", "--degradation", dir.toString(), "--output", out.toString());
        assertEquals(0, run.rc(), run.err());
        String[] lines = run.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertFalse(last.contains("NaN") || last.contains("Infinity"), last);
        JsonNode j = STRICT.readTree(last);
        assertEquals(j, STRICT.readTree(Files.readString(out)), "--output holds the same document");

        JsonNode f = j.get("floor_40");
        assertEquals(0, f.get("events").asInt(), f.toString());
        assertTrue(f.get("asks").asInt() > 0, f.toString());
        for (String p : List.of("model", "trend", "distance_to_floor")) {
            assertTrue(f.get(p).has("roc_auc") && f.get(p).get("roc_auc").isNull(), p + ": " + f.get(p));
        }
        assertTrue(f.get("auc_gain_vs_trend").isNull(), f.toString());
        assertTrue(f.get("early_ratio_vs_trend_at_equal_fwr").isNull(), f.toString());
        for (JsonNode v : f.get("bootstrap").get("auc_model")) assertTrue(v.isNull(), f.get("bootstrap").toString());
        JsonNode brier = f.get("model").get("brier");
        assertTrue(brier.isNumber() && Double.isFinite(brier.doubleValue()), "a defined figure stays a number: " + brier);
        assertEquals(1, j.get("series").asInt());
    }
}

package io.dwcp.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** study.json, and report.json with the study added, are strict JSON: a NaN figure (no forecast on a run) is null. */
class BandwidthStudyJsonTest {
    @TempDir
    Path tmp;

    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static Map<String, Object> study() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model_mape", Double.NaN);
        row.put("gain", new double[] {Double.NaN, 0.25});
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("seed", 42);
        all.put("runs", List.of(Map.of("name", "fcc-to-norway", "rows", List.of(row))));
        return all;
    }

    static void check(JsonNode study) {
        JsonNode row = study.get("runs").get(0).get("rows").get(0);
        assertTrue(row.get("model_mape").isNull(), row.toString());
        assertEquals("[null,0.25]", row.get("gain").toString());
    }

    @Test
    void studyJsonWithANaNFigureParsesStrictly() throws Exception {
        Path f = tmp.resolve("study.json");
        BandwidthStudy.writeJson(f, study());
        String s = Files.readString(f);
        assertTrue(s.contains("\n  \"runs\""), "indented: " + s);
        check(STRICT.readTree(s));
    }

    @Test
    void reportWithTheStudyAddedParsesStrictly() throws Exception {
        new Report("bandwidth", "t").put("metrics", Map.of("mape", 12.5)).write(tmp);
        BandwidthStudy.addToReport(tmp, study(), "| table |");
        JsonNode j = STRICT.readTree(Files.readString(tmp.resolve("report.json")));
        check(j.get("generalisation"));
        assertEquals(12.5, j.get("metrics").get("mape").doubleValue());
    }
}

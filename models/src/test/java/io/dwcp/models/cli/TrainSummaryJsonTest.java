package io.dwcp.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.models.train.TrainResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's summary.json is strict JSON: a metric that is NaN (a split without both classes) is null. */
class TrainSummaryJsonTest {
    @TempDir
    Path tmp;

    @Test
    void summaryWithANaNMetricParsesStrictly() throws Exception {
        TrainCommand t = new TrainCommand();
        t.outputDir = tmp;
        t.seed = 7;
        t.scale = 0.1;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test_auc", Double.NaN);
        metrics.put("test_f1", 0.5);
        TrainResult r = new TrainResult("latency", tmp.resolve("latency"), false, metrics, Map.of("test_f1", ">= 0.9"),
                Double.POSITIVE_INFINITY, "auc undefined");
        t.writeSummary(List.of(r), Map.of(), 1.5, false);

        JsonNode j = EvaluateJsonTest.STRICT.readTree(Files.readString(tmp.resolve("summary.json")));
        JsonNode m = j.get("models").get("latency");
        assertTrue(m.get("metrics").get("test_auc").isNull(), m.toString());
        assertEquals(0.5, m.get("metrics").get("test_f1").doubleValue());
        assertTrue(m.get("seconds").isNull(), m.toString());
        assertEquals(1.5, j.get("total_training_seconds").doubleValue());
    }
}

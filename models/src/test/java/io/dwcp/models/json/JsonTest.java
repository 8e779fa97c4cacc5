package io.dwcp.models.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.report.Report;
import io.dwcp.models.serving.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's JSON policy: a NaN or infinite number is null however it reaches the writer; finite output is Jackson's. */
class JsonTest {
    @TempDir
    Path tmp;

    /** Jackson's default parser rejects NaN/Infinity tokens; trailing content is rejected too. */
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    record Figures(double primitive, float single, Double boxed, double[] array) {}

    static Map<String, Object> sample(double x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boxed", x);
        m.put("float", (float) x);
        m.put("list", List.of(0.5, x));
        m.put("doubles", new double[] {1.5, x, -2});
        m.put("floats", new float[] {(float) x, 2.25f});
        m.put("record", new Figures(x, (float) x, x, new double[] {x}));
        ObjectNode tree = new ObjectMapper().createObjectNode().put("node", x).put("float_node", (float) x);
        tree.putArray("node_array").add(x).add(3);
        m.put("tree", tree);
        m.put("n", 3);
        m.put("text", "NaN stays text");
        return m;
    }

    @Test
    void nonFiniteIsNullHoweverItArrives() throws Exception {
        for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (ObjectMapper mapper : List.of(Json.mapper(), Json.indentedMapper())) {
                String s = mapper.writeValueAsString(sample(x));
                assertFalse(s.replace("NaN stays text", "").contains("NaN") || s.contains("Infinity"), s);
                JsonNode j = STRICT.readTree(s);
                assertTrue(j.get("boxed").isNull() && j.get("float").isNull(), s);
                assertEquals(0.5, j.get("list").get(0).doubleValue());
                assertTrue(j.get("list").get(1).isNull(), s);
                assertEquals(List.of("1.5", "null", "-2.0"), texts(j.get("doubles")));
                assertEquals(List.of("null", "2.25"), texts(j.get("floats")));
                assertEquals("{\"primitive\":null,\"single\":null,\"boxed\":null,\"array\":[null]}", j.get("record").toString());
                assertTrue(j.get("tree").get("node").isNull() && j.get("tree").get("float_node").isNull(), s);
                assertEquals("[null,3]", j.get("tree").get("node_array").toString());
                assertEquals(3, j.get("n").intValue());
                assertEquals("NaN stays text", j.get("text").textValue());
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> r = new ArrayList<>();
        array.forEach(v -> r.add(v.toString()));
        return r;
    }

    /** Finite figures are written byte for byte as Jackson's default mapper writes them, one line or indented. */
    @Test
    void finiteOutputIsJacksonsDefault() throws Exception {
        ObjectMapper plain = new ObjectMapper();
        ObjectMapper indented = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (double x : new double[] {0.0, -0.0, 1e-7, 123456.789, 3.0e38, 0.1f}) {
            assertEquals(plain.writeValueAsString(sample(x)), Json.mapper().writeValueAsString(sample(x)));
            assertEquals(indented.writeValueAsString(sample(x)), Json.indentedMapper().writeValueAsString(sample(x)));
            assertEquals(plain.writerWithDefaultPrettyPrinter().writeValueAsString(sample(x)),
                    Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(sample(x)));
        }
        // The committed artifacts' metadata.json and report.json and the training summary, as the writers see them.
        Path defaults = Path.of("src/main/resources/io/dwcp/models/default");
        List<Path> files;
        try (Stream<Path> s = Files.walk(defaults)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 11, files.toString());
        for (Path f : files) {
            Object v = f.getFileName().toString().equals(ModelMetadata.FILE) ? ModelMetadata.read(f) : plain.readValue(f.toFile(), Map.class);
            assertEquals(indented.writeValueAsString(v), Json.indentedMapper().writeValueAsString(v), f.toString());
        }
    }

    /** {@code convertValue} writes no JSON: a NaN stays a NaN (smoke-test arrays, codec profiles). */
    @Test
    void convertValueKeepsNaN() {
        double[] d = Json.mapper().convertValue(List.of(Double.NaN, 1.0), double[].class);
        assertTrue(Double.isNaN(d[0]) && d[1] == 1.0);
    }

    @Test
    void reportJsonWithANaNFigureParsesStrictly() throws Exception {
        new Report("bandwidth", "t").put("metrics", Map.of("mape", Double.NaN, "mae", 2.5)).write(tmp);
        JsonNode j = STRICT.readTree(Files.readString(tmp.resolve("report.json")));
        assertTrue(j.get("metrics").get("mape").isNull(), j.toString());
        assertEquals(2.5, j.get("metrics").get("mae").doubleValue());
    }

    /** The agent reads metadata.json back: a null metric is a null, and a null threshold is a clear error. */
    @Test
    void metadataJsonWithANaNFigureParsesStrictlyAndReadsBack() throws Exception {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test_auc", Double.NaN);
        metrics.put("test_f1", 0.75);
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("anomaly", Double.NaN);
        ModelMetadata md = new ModelMetadata("latency", "v", "2026-12-02T00:00:00Z", 1, List.of("a"), List.of("a"), 1,
                Scaler.identity(1), null, thresholds, metrics, Map.of(), false, "model", Map.of(), null);
        Path file = tmp.resolve(ModelMetadata.FILE);
        md.write(file);
        JsonNode j = STRICT.readTree(Files.readString(file));
        assertTrue(j.get("metrics").get("test_auc").isNull(), j.toString());
        assertTrue(j.get("thresholds").get("anomaly").isNull(), j.toString());

        ModelMetadata back = ModelMetadata.read(file);
        assertTrue(back.metrics().containsKey("test_auc") && back.metrics().get("test_auc") == null, back.metrics().toString());
        assertEquals(0.75, back.metrics().get("test_f1"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> back.threshold("anomaly"));
        assertEquals("model latency has no threshold 'anomaly' (absent, or null: not a finite number)", e.getMessage());
    }
}

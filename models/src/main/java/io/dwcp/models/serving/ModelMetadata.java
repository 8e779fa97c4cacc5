package io.dwcp.models.serving;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The contents of a model's {@code metadata.json}: everything the agent needs besides the model file.
 *
 * @param name        bandwidth, compression, reliability or latency
 * @param version     artifact version
 * @param trainedAt   ISO-8601 UTC training time
 * @param seed        training seed
 * @param features    input feature names in order (must equal {@code Schemas})
 * @param targets     output names in order
 * @param window      time steps per input (1 for row models)
 * @param scaler      input scaler, applied by the serving classes to raw values
 * @param targetScaler output scaler (forecaster) or null
 * @param thresholds  named thresholds (e.g. {@code anomaly}) chosen on validation data
 * @param metrics     held-out test metrics (a figure that was NaN or infinite is null, {@link Json})
 * @param targetSpec  the targets the metrics are judged against
 * @param targetMet   whether every target was met on the test split
 * @param modelFile   file or directory name of the model next to metadata.json
 * @param params      model-specific parameters (architecture, codec levels, ...)
 * @param smokeTest   raw sample inputs and the outputs the exported model gave for them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(String name, String version, String trainedAt, long seed, List<String> features,
                            List<String> targets, int window, Scaler scaler, Scaler targetScaler,
                            Map<String, Double> thresholds, Map<String, Object> metrics,
                            Map<String, Object> targetSpec, boolean targetMet, String modelFile,
                            Map<String, Object> params, Map<String, Object> smokeTest) {

    public static final String FILE = "metadata.json";

    static final ObjectMapper JSON = Json.indentedMapper();

    /** The indented mapper of {@link Json}, shared: do not reconfigure it. */
    public static ObjectMapper json() {
        return JSON;
    }

    public static ModelMetadata read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ModelMetadata.class);
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    public double threshold(String key) {
        Double v = thresholds == null ? null : thresholds.get(key);
        if (v == null) {
            // Null also when training chose a NaN or infinite one: metadata.json writes those as null (Json).
            throw new IllegalStateException("model " + name + " has no threshold '" + key + "' (absent, or null: not a finite number)");
        }
        return v;
    }
}

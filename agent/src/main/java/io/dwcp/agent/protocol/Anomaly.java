package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * NovaCron {@code Anomaly} for one node: the metric that deviated most, its value and expected value,
 * the deviation in the model's unit (robust z-score for the baseline, anomaly score for the forest),
 * severity {@code warning|critical|emergency}, and the score in {@code score} (0..1 for the forest).
 */
@JsonPropertyOrder({"v", "type", "node_id"})
public record Anomaly(
        String node_id,
        String metric_name,
        double value,
        double expected,
        double deviation,
        String severity,
        double confidence,
        double score,
        boolean is_anomaly,
        String model_type,
        String model_version,
        String timestamp) implements Event {
    public static final String TYPE = "anomaly";

    @Override
    public String type() {
        return TYPE;
    }
}

package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Consensus-latency verdict for one node's last window: reconstruction error against the threshold,
 * severity ({@code none|warning|critical|emergency} at 1×, 2×, 5× the threshold) and each feature's
 * share of the error.
 */
@JsonPropertyOrder({"v", "type", "node_id"})
public record LatencyResult(
        String node_id,
        boolean is_anomaly,
        double reconstruction_error,
        double threshold,
        String severity,
        double confidence,
        Map<String, Double> contributions,
        String model_version,
        String timestamp) implements Event {
    public static final String TYPE = "latency_anomaly";

    @Override
    public String type() {
        return TYPE;
    }
}

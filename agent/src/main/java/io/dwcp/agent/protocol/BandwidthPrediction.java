package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * NovaCron {@code BandwidthPrediction} for one link, plus which link, which model, and the timestamp of the
 * newest sample in the window it was computed from ({@code sample_timestamp}, RFC 3339 with milliseconds).
 */
@JsonPropertyOrder({"v", "type", "node_id", "peer_id"})
public record BandwidthPrediction(
        String node_id,
        String peer_id,
        double predicted_bandwidth_mbps,
        double predicted_latency_ms,
        double predicted_packet_loss,
        double predicted_jitter_ms,
        double confidence,
        String valid_until,
        String model_version,
        String prediction_time,
        String sample_timestamp) implements Event {
    public static final String TYPE = "bandwidth_prediction";

    @Override
    public String type() {
        return TYPE;
    }
}

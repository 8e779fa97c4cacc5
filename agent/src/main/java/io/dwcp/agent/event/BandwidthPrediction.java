package io.dwcp.agent.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** NovaCron {@code BandwidthPrediction} for one link, plus which link and which model produced it. */
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
        String prediction_time) implements Event {
    public static final String TYPE = "bandwidth_prediction";

    @Override
    public String type() {
        return TYPE;
    }
}

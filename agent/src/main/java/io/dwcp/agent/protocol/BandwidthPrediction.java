package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * NovaCron {@code BandwidthPrediction} for one link, plus which link, which model, and the timestamp of the
 * newest sample in the window it was computed from ({@code sample_timestamp}, RFC 3339 with milliseconds).
 *
 * <p>Issue 14: {@code predicted_bandwidth_mbps} is the forecast of the predictor that serves the link
 * ({@code source}: {@code model}, {@code last_value}, {@code harmonic_mean5}, {@code ewma}, {@code median3} or
 * {@code min_model_last}, whichever has the lowest recent error on this link), {@code recent_mape} that
 * predictor's mean APE (percent) over the link's recent steps (null until scored), and {@code [lower_bandwidth_mbps, upper_bandwidth_mbps]} the calibrated
 * interval for the next value at {@code interval_coverage}; {@code confidence = clamp(1 − width/2, 0, 1)}
 * with {@code width = (upper − lower) / predicted}.
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
        String sample_timestamp,
        String source,
        Double recent_mape,
        Double lower_bandwidth_mbps,
        Double upper_bandwidth_mbps,
        Double interval_coverage) implements Event {
    public static final String TYPE = "bandwidth_prediction";

    @Override
    public String type() {
        return TYPE;
    }
}

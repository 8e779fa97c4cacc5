package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A stream input whose prediction was lost: its model's batch failed ({@code reason} {@code error}) or the
 * model's queue was full ({@code overloaded}). Readers learn a prediction is missing instead of waiting
 * for it; the same losses are counted in {@code dwcp_predictions_failed_total{model,reason}}.
 */
@JsonPropertyOrder({"v", "type", "model", "node_id", "peer_id"})
public record PredictionError(
        String model,
        String node_id,
        String peer_id,
        String reason,
        String message,
        String timestamp) implements Event {
    public static final String TYPE = "prediction_error";

    @Override
    public String type() {
        return TYPE;
    }
}

package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * TCP settings for one link computed from its bandwidth forecast (see
 * {@link io.dwcp.agent.predict.TransferAdvisor}), with the forecast and confidence they came from and, when
 * the compression model has judged this link, its latest codec choice. Streamed when the advice for a link
 * changes (stream count, or buffer by more than 25 %); the latest one per link is answerable with
 * {@code RecommendTransfer}. Buffer and streams are sized from {@code sizing_bandwidth_mbps}, the lower bound of
 * the forecast's calibrated interval (the forecast itself when it has none).
 */
@JsonPropertyOrder({"v", "type", "node_id", "peer_id"})
public record TransferRecommendation(
        String node_id,
        String peer_id,
        int parallel_streams,
        long socket_buffer_bytes,
        double bdp_bytes,
        double per_stream_mbps,
        String limited_by,
        boolean streams_capped,
        String compression_codec,
        Integer compression_level,
        double sizing_bandwidth_mbps,
        double predicted_bandwidth_mbps,
        double predicted_latency_ms,
        double predicted_packet_loss,
        double predicted_jitter_ms,
        double confidence,
        String model_version,
        String prediction_time,
        String sample_timestamp) implements Event {
    public static final String TYPE = "transfer_recommendation";

    @Override
    public String type() {
        return TYPE;
    }
}

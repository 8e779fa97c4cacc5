package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The codec for a link's next transfer. {@code codec} is the Go v3 enum value (0 none, 1 lz4, 2 zstd,
 * 3 zstd-max, 4 brotli), {@code codec_name} its name; {@code expected_gain} is the predicted fraction of
 * transfer time saved against sending uncompressed (0.25 = 25 % faster); {@code source} who chose the codec:
 * {@code model}, or {@code oracle} when the model's own choice was slower than sending uncompressed under its
 * codec profile and the profile's best codec was served instead (issue 15; additive, {@code v} stays 1).
 */
@JsonPropertyOrder({"v", "type", "node_id", "peer_id"})
public record CompressionChoice(
        String node_id,
        String peer_id,
        int codec,
        String codec_name,
        int level,
        double expected_gain,
        double confidence,
        String model_version,
        String prediction_time,
        String source) implements Event {
    public static final String TYPE = "compression_choice";

    @Override
    public String type() {
        return TYPE;
    }
}

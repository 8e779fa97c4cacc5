package io.dwcp.models.features;

import java.util.List;

/**
 * The four models' input schemas. Units: bandwidth in Mbit/s, times in milliseconds, losses and
 * usages as ratios in [0,1] unless the name says pct (0..100).
 */
public final class Schemas {
    private Schemas() {}

    /**
     * Bandwidth forecaster: the NovaCron {@code NetworkSample} fields, window of 10 steps. These are the raw rows
     * the agent stores ({@link LinkFeatures#rawRow}: day of week Monday = 0); since issue 14 the network itself sees
     * them through {@link LinkFeatures#modelInput} (scale-free, with the sampling interval, without the clock).
     */
    public static final FeatureSchema BANDWIDTH = new FeatureSchema("bandwidth",
            List.of("bandwidth_mbps", "latency_ms", "packet_loss", "jitter_ms", "time_of_day", "day_of_week"),
            10);

    /** What the forecaster predicts for the next step, in this order. */
    public static final List<String> BANDWIDTH_TARGETS =
            List.of("bandwidth_mbps", "latency_ms", "packet_loss", "jitter_ms");

    /**
     * Compression selector: transfer context of one link. {@code link_type} is the ordinal of
     * {@link LinkType}; {@code entropy_bits_per_byte} (0..8) is the sender's compressibility hint.
     */
    public static final FeatureSchema COMPRESSION = new FeatureSchema("compression",
            List.of("bandwidth_mbps", "rtt_ms", "link_type", "payload_bytes", "entropy_bits_per_byte", "cpu_usage"),
            1);

    /** Node reliability (Isolation Forest): one vector per node. */
    public static final FeatureSchema RELIABILITY = new FeatureSchema("reliability",
            List.of("uptime_pct", "failure_rate", "packet_loss", "retransmits", "error_budget_burn_rate",
                    "rtt_ms", "cpu_usage", "memory_usage", "error_rate"),
            1);

    /** Consensus latency (LSTM autoencoder + attention): 12 features, window of 30 steps. */
    public static final FeatureSchema LATENCY = new FeatureSchema("latency",
            List.of("queue_depth", "proposals_pending", "proposals_committed", "latency_p50", "latency_p95",
                    "latency_p99", "leader_changes", "quorum_size", "active_nodes", "network_tier",
                    "dwcp_mode", "consensus_type"),
            30);

    /**
     * Univariate latency mode: one {@code timestamp,value} series (NAB format), window of 30 steps, for
     * operators who only have a latency series. Not part of {@link #all()} (the agent's four models).
     */
    public static final FeatureSchema LATENCY_UNIVARIATE = new FeatureSchema("latency_univariate", List.of("value"), 30);

    /**
     * Degradation forecaster: the link measurement's fields (same order as {@link #BANDWIDTH}) over a window
     * of 60 steps. Not part of {@link #all()} (the four original models); its own SLO-relative transform is
     * {@link DegradationFeatures}.
     */
    public static final FeatureSchema DEGRADATION = new FeatureSchema("degradation", BANDWIDTH.features(), 60);

    public static List<FeatureSchema> all() {
        return List.of(BANDWIDTH, COMPRESSION, RELIABILITY, LATENCY);
    }

    /** Link types as the Go side names them; the ordinal is the encoded feature value. */
    public enum LinkType {
        DC, METRO, WAN, EDGE;

        public static LinkType parse(String s) {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Compression choices of DWCP v3 in the Go enum's order: the ordinal is what SelectCompression returns. */
    public enum Codec {
        NONE, LZ4, ZSTD, ZSTD_MAX, BROTLI
    }
}

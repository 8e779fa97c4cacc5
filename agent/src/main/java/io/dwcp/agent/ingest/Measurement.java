package io.dwcp.agent.ingest;

import io.dwcp.models.features.Schemas;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A measurement the agent understands, their fields, units, valid ranges and defaults. Field order
 * is the order of the values in {@link MetricRecord#values()} and follows {@link Schemas}, so the
 * window a model reads is built without renaming anything.
 */
public final class Measurement {
    private static final Map<String, Measurement> BY_NAME = new ConcurrentHashMap<>();
    /** The value of an optional field that was not sent and has no meaningful default (outside every range). */
    public static final double UNKNOWN = -1;
    /** Codec names of the Go v3 enum, in its order (the {@code Schemas.Codec} ordinals); both spellings of zstd-max. */
    private static final Map<String, Integer> CODECS = Map.of("none", 0, "lz4", 1, "zstd", 2, "zstd-max", 3,
            "zstd_max", 3, "brotli", 4);
    private static final double MAX_CODEC_US = 86_400e6;
    private static final double MAX_WIRE_SECONDS = 7 * 86_400;
    /** Faster than any codec on any CPU (the fastest, lz4 decompression, is a few GB/s a core): bytes per µs = MB/s. */
    private static final double MAX_CODEC_MB_PER_S = 100_000;
    /** Beyond the largest bandwidth the agent accepts ({@code dwcp_transfer.bandwidth_mbps} ≤ 1e7). */
    private static final double MAX_WIRE_MBPS = 1e7;

    /** Per link (node → peer): the NovaCron NetworkSample. */
    public static final Measurement LINK = new Measurement("dwcp_link", "link", true, List.of(
            Field.required("bandwidth_mbps", 0, 1e7),
            Field.required("latency_ms", 0, 1e6),
            Field.optional("packet_loss", 0, 1, 0),
            Field.optional("jitter_ms", 0, 1e6, 0)));
    /** Per node: inputs of the reliability detector. */
    public static final Measurement RELIABILITY = new Measurement("dwcp_node", "node", false, List.of(
            Field.optional("uptime_pct", 0, 100, 100),
            Field.optional("failure_rate", 0, 1e6, 0),
            Field.optional("packet_loss", 0, 1, 0),
            Field.optional("retransmits", 0, 1e12, 0),
            Field.optional("error_budget_burn_rate", 0, 1e6, 0),
            Field.required("rtt_ms", 0, 1e6),
            Field.required("cpu_usage", 0, 1),
            Field.required("memory_usage", 0, 1),
            Field.optional("error_rate", 0, 1, 0)));
    /** Per node: the 12 consensus features of the latency autoencoder. */
    public static final Measurement CONSENSUS = new Measurement("dwcp_consensus", "consensus", false, List.of(
            Field.required("queue_depth", 0, 1e9),
            Field.optional("proposals_pending", 0, 1e9, 0),
            Field.optional("proposals_committed", 0, 1e12, 0),
            Field.required("latency_p50", 0, 1e7),
            Field.required("latency_p95", 0, 1e7),
            Field.required("latency_p99", 0, 1e7),
            Field.optional("leader_changes", 0, 1e6, 0),
            Field.optional("quorum_size", 0, 1e5, 3),
            Field.optional("active_nodes", 0, 1e5, 3),
            Field.categorical("network_tier", 0, Map.of("lan", 0, "wan", 1)),
            Field.categorical("dwcp_mode", 1, Map.of("optimistic", 0, "normal", 1, "conservative", 2)),
            Field.categorical("consensus_type", 0, Map.of("raft", 0, "pbft", 1, "hotstuff", 2))));
    /** Per link: context of the next transfer, input of the compression selector. */
    public static final Measurement TRANSFER = new Measurement("dwcp_transfer", "transfer", true, List.of(
            Field.required("bandwidth_mbps", 0, 1e7),
            Field.optional("rtt_ms", 0, 1e6, 0),
            Field.categorical("link_type", 2, Map.of("dc", 0, "metro", 1, "wan", 2, "edge", 3)),
            Field.required("payload_bytes", 1, 1L << 40),
            Field.required("entropy_bits_per_byte", 0, 8),
            Field.optional("cpu_usage", 0, 1, 0.5)));
    /**
     * Per link: what a finished transfer actually did (issue 15), what the host codec profile learns from. Sizes in
     * bytes, codec times in microseconds, the wire in seconds. {@code decompress_us} and {@code entropy_bits_per_byte}
     * are optional: absent, they take {@value #UNKNOWN}, outside their range, which the profile reads as "not known"
     * (the entropy is then the link's last {@code dwcp_transfer} hint).
     */
    public static final Measurement OUTCOME = new Measurement("dwcp_transfer_outcome", "transfer_outcome", true, List.of(
            Field.categorical("codec", Double.NaN, CODECS).rejectAs(RejectReason.UNKNOWN_CODEC),
            Field.required("level", -131_072, 131_072),
            Field.required("bytes_in", 1, 0x1p40).rejectAs(RejectReason.BAD_SIZE),
            Field.required("bytes_out", 1, 0x1p40).rejectAs(RejectReason.BAD_SIZE),
            Field.required("compress_us", 0, MAX_CODEC_US).rejectAs(RejectReason.ABSURD_TIME),
            Field.optional("decompress_us", 0, MAX_CODEC_US, UNKNOWN).rejectAs(RejectReason.ABSURD_TIME),
            Field.required("wire_seconds", 0, MAX_WIRE_SECONDS).rejectAs(RejectReason.ABSURD_TIME),
            Field.required("cpu_usage", 0, 1),
            Field.optional("entropy_bits_per_byte", 0, 8, UNKNOWN)), Measurement::checkOutcome);

    private final String wireName;
    private final String shortName;
    private final boolean perLink;
    private final List<Field> fields;
    private final Map<String, Integer> index = new HashMap<>();
    private final RecordCheck check;

    /**
     * A check of a whole record, after every field passed its own range: null when the record is fine, else why
     * not. Stateless.
     */
    @FunctionalInterface
    public interface RecordCheck {
        RecordCheck NONE = v -> null;

        Rejection check(double[] values);
    }

    /** Why a record is refused: the counted reason and the detail for the log. */
    public record Rejection(RejectReason reason, String detail) {}

    /**
     * Defines a measurement and makes it known to the decoders under both names, for the life of the JVM
     * (the built-in ones above; a model spec may define its own). Names are unique: a second measurement
     * with a name already taken is an {@link IllegalArgumentException}.
     */
    public Measurement(String wireName, String shortName, boolean perLink, List<Field> fields) {
        this(wireName, shortName, perLink, fields, RecordCheck.NONE);
    }

    /** As above, with a check across fields (run after the per-field ones). */
    public Measurement(String wireName, String shortName, boolean perLink, List<Field> fields, RecordCheck check) {
        this.check = check;
        this.wireName = wireName;
        this.shortName = shortName;
        this.perLink = perLink;
        this.fields = List.copyOf(fields);
        for (int i = 0; i < fields.size(); i++) {
            if (index.put(fields.get(i).name(), i) != null) {
                throw new IllegalArgumentException("measurement " + wireName + ": field " + fields.get(i).name() + " twice");
            }
        }
        synchronized (BY_NAME) {
            if (BY_NAME.containsKey(wireName) || BY_NAME.containsKey(shortName)) {
                throw new IllegalArgumentException("measurement name " + wireName + " or " + shortName + " already taken");
            }
            BY_NAME.put(wireName, this);
            BY_NAME.put(shortName, this);
        }
    }

    /** The short name, for logs and history. */
    public String shortName() {
        return shortName;
    }

    @Override
    public String toString() {
        return wireName;
    }

    /** Name on the wire: the line-protocol measurement or the JSON {@code type}. */
    public String wireName() {
        return wireName;
    }

    /** Whether records carry a {@code peer_id} tag (link-level) or only {@code node_id}. */
    public boolean perLink() {
        return perLink;
    }

    public List<Field> fields() {
        return fields;
    }

    /** Index of a field in the value vector, or -1: unknown fields are ignored so senders can add more. */
    public int indexOf(String field) {
        Integer i = index.get(field);
        return i == null ? -1 : i;
    }

    /** The record-level check (after the field ranges). */
    public RecordCheck check() {
        return check;
    }

    /**
     * The cross-field rules of {@link #OUTCOME}: codec times that imply an impossible speed (for a codec other than
     * none) are absurd, and so is a wire faster than any link; a size is bad when it is more
     * output than any codec's worst case (LZ4's bound is n + n/255 + 16; zstd's and brotli's are smaller).
     */
    private static Rejection checkOutcome(double[] v) {
        double in = v[2], out = v[3];
        if (v[0] != Math.rint(v[0])) {
            return new Rejection(RejectReason.UNKNOWN_CODEC, "codec=" + v[0] + " is not a codec number");
        }
        if (out > in + in / 64 + 1024) {
            return new Rejection(RejectReason.BAD_SIZE, "bytes_out=" + out + " is more than any codec makes of bytes_in=" + in);
        }
        // +1 µs / +1 µs of wire: a small payload may well take "0" at the sender's clock resolution. Codec none (0)
        // does no codec work, so its times are whatever the sender's copy took, 0 included.
        if (v[0] != 0 && in / (v[4] + 1) > MAX_CODEC_MB_PER_S) {
            return new Rejection(RejectReason.ABSURD_TIME, "compress_us=" + v[4] + " for " + in + " bytes is faster than "
                    + MAX_CODEC_MB_PER_S + " MB/s");
        }
        if (v[0] != 0 && v[5] != UNKNOWN && in / (v[5] + 1) > MAX_CODEC_MB_PER_S) {
            return new Rejection(RejectReason.ABSURD_TIME, "decompress_us=" + v[5] + " for " + in
                    + " bytes is faster than " + MAX_CODEC_MB_PER_S + " MB/s");
        }
        if (out * 8 / 1e6 / (v[6] + 1e-6) > MAX_WIRE_MBPS) {
            return new Rejection(RejectReason.ABSURD_TIME, "wire_seconds=" + v[6] + " for " + out
                    + " bytes is faster than " + MAX_WIRE_MBPS + " Mbit/s");
        }
        return null;
    }

    /** Accepts the wire name ({@code dwcp_link}) or the short name ({@code link}); null when unknown. */
    public static Measurement byName(String name) {
        return BY_NAME.get(name);
    }

    /**
     * One field: valid range, default when absent (NaN = required), and for categorical fields the
     * names that map to codes (numbers are accepted as codes too).
     */
    public record Field(String name, double min, double max, double defaultValue, Map<String, Integer> categories,
                        RejectReason outOfRange) {
        public Field(String name, double min, double max, double defaultValue, Map<String, Integer> categories) {
            this(name, min, max, defaultValue, categories, RejectReason.OUT_OF_RANGE);
        }

        public static Field required(String name, double min, double max) {
            return new Field(name, min, max, Double.NaN, Map.of());
        }

        public static Field optional(String name, double min, double max, double def) {
            return new Field(name, min, max, def, Map.of());
        }

        public static Field categorical(String name, int def, Map<String, Integer> categories) {
            return categorical(name, (double) def, categories);
        }

        /** A categorical field; {@code def} NaN makes it required. */
        static Field categorical(String name, double def, Map<String, Integer> categories) {
            int max = categories.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            return new Field(name, 0, max, def, Map.copyOf(categories));
        }

        /** The same field, a value outside its range (or an unknown category) counted as {@code reason}. */
        public Field rejectAs(RejectReason reason) {
            return new Field(name, min, max, defaultValue, categories, reason);
        }

        public boolean required() {
            return Double.isNaN(defaultValue);
        }
    }
}

package io.dwcp.agent.ingest;

import java.util.Arrays;
import java.util.Locale;

/**
 * Collects one record's tags and fields as a decoder walks them, then validates the whole record.
 * Shared by every wire format so that the rules (ranges, defaults, required fields, clock skew) are
 * written once. Not thread-safe; one per decode call, reusable via {@link #reset}.
 */
final class RecordBuilder {
    private final long maxFutureSkewMillis;
    private final int maxIdBytes;
    private final int maxStringBytes;
    private Measurement measurement;
    private String nodeId;
    private String peerId;
    private long timestampMillis;
    private double[] values = new double[16];
    private boolean[] seen = new boolean[16];
    private RejectReason failure;
    private String failureDetail;

    RecordBuilder(IngestLimits limits) {
        this.maxFutureSkewMillis = limits.maxFutureSkewMillis();
        this.maxIdBytes = limits.maxIdBytes();
        this.maxStringBytes = limits.maxStringBytes();
    }

    /**
     * Fails the record with {@code id_too_long} when {@code s} (a measurement name, tag key or value, field key) is
     * longer than the id limit in UTF-8 bytes; for decoders that hold strings, not bytes.
     */
    boolean idTooLong(String what, String s) {
        if (Utf8.longerThan(s, maxIdBytes)) {
            fail(RejectReason.ID_TOO_LONG, what + " is longer than " + maxIdBytes + " bytes");
            return true;
        }
        return false;
    }

    /** Likewise {@code string_too_long} for a string field value. */
    boolean stringTooLong(String key, String s) {
        if (Utf8.longerThan(s, maxStringBytes)) {
            fail(RejectReason.STRING_TOO_LONG, "string of field '" + key + "' is longer than " + maxStringBytes + " bytes");
            return true;
        }
        return false;
    }

    void reset(Measurement m) {
        measurement = m;
        nodeId = null;
        peerId = null;
        timestampMillis = Long.MIN_VALUE;
        int n = m.fields().size();
        if (values.length < n) {
            values = new double[n];
            seen = new boolean[n];
        }
        Arrays.fill(seen, false);
        failure = null;
        failureDetail = null;
    }

    void tag(String key, String value) {
        switch (key) {
            case "node_id", "node" -> nodeId = value;
            case "peer_id", "peer" -> peerId = value;
            default -> {
                // Categorical values often travel as tags (Telegraf turns strings into tags).
                if (measurement.indexOf(key) >= 0) {
                    category(key, value);
                }
            }
        }
    }

    boolean knows(String key) {
        return measurement.indexOf(key) >= 0;
    }

    void timestampMillis(long ts) {
        timestampMillis = ts;
    }

    void field(String key, double v) {
        int i = measurement.indexOf(key);
        if (i < 0) {
            return; // unknown fields are ignored so senders can add more without breaking us
        }
        if (!Double.isFinite(v)) {
            fail(RejectReason.NON_FINITE, key + "=" + v);
            return;
        }
        Measurement.Field f = measurement.fields().get(i);
        if (v < f.min() || v > f.max()) {
            fail(f.outOfRange(), key + "=" + v + " outside [" + f.min() + ", " + f.max() + "]");
            return;
        }
        values[i] = v;
        seen[i] = true;
    }

    /** A string-valued field: categories by name; other string fields are ignored like unknown ones. */
    void category(String key, String value) {
        int i = measurement.indexOf(key);
        if (i < 0) {
            return;
        }
        Measurement.Field f = measurement.fields().get(i);
        Integer code = f.categories().get(value.toLowerCase(Locale.ROOT));
        if (code == null) {
            try {
                field(key, Double.parseDouble(value));
            } catch (NumberFormatException e) {
                fail(f.outOfRange(), key + "=\"" + value + "\" is not one of " + new java.util.TreeSet<>(f.categories().keySet()));
            }
            return;
        }
        values[i] = code;
        seen[i] = true;
    }

    void fail(RejectReason reason, String detail) {
        if (failure == null) {
            failure = reason;
            failureDetail = detail;
        }
    }

    boolean failed() {
        return failure != null;
    }

    /** Validates and emits the record, or rejects it with the first reason found. */
    void finish(long nowMillis, RecordSink sink) {
        if (failure != null) {
            sink.reject(failure, measurement.wireName() + ": " + failureDetail);
            return;
        }
        if (nodeId == null || nodeId.isEmpty()) {
            sink.reject(RejectReason.MISSING_TAG, measurement.wireName() + ": node_id missing");
            return;
        }
        if (measurement.perLink() && (peerId == null || peerId.isEmpty())) {
            sink.reject(RejectReason.MISSING_TAG, measurement.wireName() + ": peer_id missing");
            return;
        }
        long ts = timestampMillis == Long.MIN_VALUE ? nowMillis : timestampMillis;
        if (ts - nowMillis > maxFutureSkewMillis) {
            sink.reject(RejectReason.FUTURE_TIMESTAMP,
                    measurement.wireName() + ": timestamp " + ts + " is " + (ts - nowMillis) + " ms ahead");
            return;
        }
        int n = measurement.fields().size();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            if (seen[i]) {
                out[i] = values[i];
            } else {
                Measurement.Field f = measurement.fields().get(i);
                if (f.required()) {
                    sink.reject(RejectReason.MISSING_FIELD, measurement.wireName() + ": " + f.name() + " missing");
                    return;
                }
                out[i] = f.defaultValue();
            }
        }
        Measurement.Rejection bad = measurement.check().check(out);
        if (bad != null) {
            sink.reject(bad.reason(), measurement.wireName() + ": " + bad.detail());
            return;
        }
        sink.accept(new MetricRecord(measurement, nodeId, measurement.perLink() ? peerId : null, ts, out));
    }
}

package io.dwcp.agent.ingest;

import java.util.Locale;

/** Why an input was dropped: the {@code reason} label of {@code dwcp_ingest_rejected_total}. */
public enum RejectReason {
    /** Not parseable as line protocol or JSON. */
    MALFORMED,
    /** Measurement name not in {@link Measurement}. */
    UNKNOWN_MEASUREMENT,
    /** node_id (or peer_id for link measurements) absent or empty. */
    MISSING_TAG,
    /** A required field absent. */
    MISSING_FIELD,
    /** NaN or infinite value. */
    NON_FINITE,
    /** Outside the field's valid range (e.g. negative bandwidth, loss above 1). */
    OUT_OF_RANGE,
    /** Datagram larger than {@code dwcp.ingest.max-datagram-bytes}. */
    OVERSIZED,
    /** Timestamp further in the future than {@code dwcp.ingest.max-future-skew}. */
    FUTURE_TIMESTAMP,
    /** Valid record, but the hand-off queue to the prediction worker was full. */
    QUEUE_FULL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

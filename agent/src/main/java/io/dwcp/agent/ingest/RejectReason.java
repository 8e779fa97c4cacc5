package io.dwcp.agent.ingest;

import java.util.Locale;

/** Why an input was dropped: the {@code reason} label of {@code dwcp_ingest_rejected_total}. */
public enum RejectReason {
    /**
     * Not line protocol or JSON: for line protocol, anything InfluxData's grammar rejects, even in a field the agent
     * ignores (issue 18).
     */
    MALFORMED,
    /** Measurement name not in {@link Measurement}. */
    UNKNOWN_MEASUREMENT,
    /** node_id (or peer_id for link measurements) absent or empty. */
    MISSING_TAG,
    /** A required field absent. */
    MISSING_FIELD,
    /** NaN or infinite value. */
    NON_FINITE,
    /**
     * Outside the field's valid range (e.g. negative bandwidth, loss above 1), or a line-protocol number outside its
     * type (an integer beyond 64 bits, a float beyond double, in any field).
     */
    OUT_OF_RANGE,
    /** Datagram larger than {@code dwcp.ingest.max-datagram-bytes}. */
    OVERSIZED,
    /** Timestamp further in the future than {@code dwcp.ingest.max-future-skew}. */
    FUTURE_TIMESTAMP,
    /** Valid record, but the hand-off queue to the prediction worker was full. */
    QUEUE_FULL,
    /**
     * A datagram that held no record and nothing to reject: only blank or comment lines, an empty JSON array, zero
     * bytes. Valid input, counted here so that every datagram shows up in accepted or rejected (issue 17).
     */
    EMPTY,
    /**
     * A measurement name, tag key, tag value (node or peer id) or field key longer than
     * {@code dwcp.ingest.max-id-bytes} (issue 17: ids are kept per window, so their bytes are bounded).
     */
    ID_TOO_LONG,
    /** A string field value longer than {@code dwcp.ingest.max-string-bytes}. */
    STRING_TOO_LONG,
    /** A gzip datagram that inflates beyond {@code dwcp.ingest.max-inflated-bytes} (zip-bomb guard). */
    INFLATED_OVERSIZED,
    /** A datagram starting with the gzip magic that is not a whole, valid gzip stream (bad header, data or CRC). */
    BAD_GZIP,
    /**
     * A {@code dwcp_transfer_outcome} size that cannot be: {@code bytes_in} or {@code bytes_out} zero, negative or
     * beyond 2^40, or {@code bytes_out} larger than any codec's worst-case expansion of {@code bytes_in} (issue 15).
     */
    BAD_SIZE,
    /**
     * A {@code dwcp_transfer_outcome} time that cannot be: negative, longer than a day (a week for the wire), or
     * implying a codec faster than 100 GB/s or a wire faster than 10 Tbit/s (issue 15).
     */
    ABSURD_TIME,
    /** A {@code dwcp_transfer_outcome} codec that is not one of the agent's choices (issue 15). */
    UNKNOWN_CODEC;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

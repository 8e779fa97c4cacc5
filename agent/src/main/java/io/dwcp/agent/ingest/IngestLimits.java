package io.dwcp.agent.ingest;

import io.dwcp.agent.config.AgentConfig;

/**
 * The bounds the decoders put on outside input, in bytes wherever input varies in size (issue 17: a count bound
 * let 30 KB ids exhaust the heap). Immutable.
 *
 * @param maxFutureSkewMillis how far ahead of our clock a timestamp may be
 * @param maxDatagramBytes    larger datagrams are dropped ({@code oversized}) before any decoding
 * @param maxIdBytes          longest measurement name, tag key, tag value (node and peer ids included) or field
 *                            key, in UTF-8 bytes after unescaping ({@code id_too_long})
 * @param maxStringBytes      longest string field value, in UTF-8 bytes after unescaping ({@code string_too_long})
 * @param maxInflatedBytes    most bytes a gzip datagram may inflate to ({@code inflated_oversized})
 */
public record IngestLimits(long maxFutureSkewMillis, int maxDatagramBytes, int maxIdBytes, int maxStringBytes,
                           int maxInflatedBytes) {
    public static final int DEFAULT_MAX_DATAGRAM_BYTES = 65_507;
    public static final int DEFAULT_MAX_ID_BYTES = 256;
    public static final int DEFAULT_MAX_STRING_BYTES = 1024;
    public static final int DEFAULT_MAX_INFLATED_BYTES = 1 << 20;

    public IngestLimits {
        if (maxDatagramBytes < 1 || maxIdBytes < 1 || maxStringBytes < 1 || maxInflatedBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxDatagramBytes + ", " + maxIdBytes + ", "
                    + maxStringBytes + ", " + maxInflatedBytes);
        }
    }

    /** The defaults of {@code dwcp.ingest.*} with the given clock skew. */
    public static IngestLimits defaults(long maxFutureSkewMillis) {
        return new IngestLimits(maxFutureSkewMillis, DEFAULT_MAX_DATAGRAM_BYTES, DEFAULT_MAX_ID_BYTES,
                DEFAULT_MAX_STRING_BYTES, DEFAULT_MAX_INFLATED_BYTES);
    }

    public static IngestLimits of(AgentConfig.Ingest c) {
        return new IngestLimits(c.maxFutureSkew().toMillis(), c.maxDatagramBytes(), c.maxIdBytes(), c.maxStringBytes(),
                c.maxInflatedBytes());
    }

    public IngestLimits withMaxDatagramBytes(int bytes) {
        return new IngestLimits(maxFutureSkewMillis, bytes, maxIdBytes, maxStringBytes, maxInflatedBytes);
    }
}

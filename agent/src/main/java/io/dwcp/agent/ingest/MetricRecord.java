package io.dwcp.agent.ingest;

/**
 * One validated sample, values in {@link Measurement#fields()} order. Immutable once handed off: the
 * decoder builds the array and never touches it again.
 *
 * @param peerId null for per-node measurements
 */
public record MetricRecord(Measurement measurement, String nodeId, String peerId, long timestampMillis,
                           double[] values) {

    /**
     * Heap this record holds, estimated from above from its strings and values (object and array headers, two
     * bytes a character): what bounds a queue of records in bytes, since ids vary from a few bytes to 64 KB.
     */
    public long estimatedBytes() {
        return 64 + 24L + 8L * values.length + string(nodeId) + string(peerId);
    }

    private static long string(String s) {
        return s == null ? 0 : 56 + 2L * s.length();
    }

    /** The window key: {@code node->peer} for links, {@code node} for per-node measurements. */
    public String key() {
        return key(nodeId, peerId);
    }

    /**
     * The one definition of a window key, shared by ingest, requests, recommendations and degradation state
     * (a key built differently in one place would silently never find its window).
     */
    public static String key(String nodeId, String peerId) {
        return peerId == null ? nodeId : nodeId + "->" + peerId;
    }
}

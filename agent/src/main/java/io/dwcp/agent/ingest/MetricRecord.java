package io.dwcp.agent.ingest;

/**
 * One validated sample, values in {@link Measurement#fields()} order. Immutable once handed off: the
 * decoder builds the array and never touches it again.
 *
 * @param peerId null for per-node measurements
 */
public record MetricRecord(Measurement measurement, String nodeId, String peerId, long timestampMillis,
                           double[] values) {

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

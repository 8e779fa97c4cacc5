package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.protocol.RequestError;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.window.RingWindow;

/** Request parameters shared by the built-in models: which link or node, and the window to judge. */
final class RequestParams {
    private RequestParams() {}

    /** {@code params.window} if given (full length when {@code needFull}), else the named key's window. */
    static float[][] window(JsonNode p, ModelSpec.Windows store, Measurement m, int features, boolean needFull) {
        JsonNode w = p.get("window");
        if (w != null) {
            notBoth(p, m.perLink() ? "the link (node_id, peer_id)" : "node_id", "node_id", "peer_id");
            float[][] rows = Params.rows(w, features, "params.window");
            // A wrong-length window would fail the whole model batch it joins, other callers' inputs too.
            if (needFull && rows.length != store.length()) {
                throw new IllegalArgumentException("params.window has " + rows.length + " rows, the model takes "
                        + store.length());
            }
            return rows;
        }
        String key = key(p, m.perLink());
        RingWindow rw = store.get(key);
        if (rw == null) {
            throw new RequestError(m.perLink() ? RequestError.UNKNOWN_LINK : RequestError.UNKNOWN_NODE,
                    "no window for " + (m.perLink() ? "link " : "node ") + key
                    + " (no samples of it yet, or evicted; send metrics first or pass params.window)");
        }
        if (needFull && !rw.full()) {
            throw new RequestError(RequestError.WINDOW_NOT_FULL, "window for " + key + " has " + rw.size() + " of "
                    + rw.capacity() + " steps");
        }
        return rw.snapshot();
    }

    /** Refuses {@code params.window} together with any of {@code keys} ({@code what} names them). */
    static void notBoth(JsonNode p, String what, String... keys) {
        for (String k : keys) {
            if (p.hasNonNull(k)) {
                throw new IllegalArgumentException("give params.window or " + what + ", not both");
            }
        }
    }

    /** {@code params.features}: exactly {@code features} finite numbers. */
    static float[] vector(JsonNode p, int features) {
        JsonNode f = p.get("features");
        if (f == null) {
            throw new IllegalArgumentException("params.features is required");
        }
        return Params.row(f, features, "params.features");
    }

    static String key(JsonNode p, boolean link) {
        String[] s = Params.subject(p, link, "params.node_id (string) or params.window is required");
        return MetricRecord.key(s[0], link ? s[1] : null);
    }

    /** The link or node a request named (null for a bare window), stamped with its window's newest sample time. */
    static MetricRecord who(JsonNode p, Measurement m, ModelSpec.Windows store) {
        JsonNode n = p.get("node_id");
        if (n == null || !n.isTextual() || p.has("window")) {
            return null;
        }
        String peer = m.perLink() && p.path("peer_id").isTextual() ? p.get("peer_id").asText() : null;
        RingWindow w = store == null ? null : store.get(MetricRecord.key(n.asText(), peer));
        long ts = w == null || w.lastTimestampMillis() == Long.MIN_VALUE ? System.currentTimeMillis() : w.lastTimestampMillis();
        return new MetricRecord(m, n.asText(), peer, ts, new double[0]);
    }

    static String nodeId(MetricRecord r) {
        return r == null ? null : r.nodeId();
    }

    static String peerId(MetricRecord r) {
        return r == null ? null : r.peerId();
    }

    static String sampleTime(MetricRecord r) {
        return r == null ? null : java.time.Instant.ofEpochMilli(r.timestampMillis()).toString();
    }
}

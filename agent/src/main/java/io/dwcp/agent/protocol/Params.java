package io.dwcp.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Validation of numeric request parameters. Total: bad input is an IllegalArgumentException naming where. */
public final class Params {
    /** Longest window a request may carry: bounds the work one request can ask for. */
    public static final int MAX_ROWS = 1024;

    private Params() {}

    /**
     * Refuses members of {@code object} (at {@code where}, e.g. {@code params}) other than {@code allowed},
     * naming them and the allowed ones: a misspelt key is an error, not silently a default.
     */
    public static void only(JsonNode object, Set<String> allowed, String where) {
        List<String> unknown = RequestCodec.unknownKeys(object, allowed);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown " + where + " keys " + unknown + "; allowed: "
                    + new TreeSet<>(allowed));
        }
    }

    /**
     * Who a request names: {@code {node_id}}, or {@code {node_id, peer_id}} when {@code link}. {@code missingNode}
     * is the error for an absent node_id, since requests differ in what else could have stood in for it.
     */
    public static String[] subject(JsonNode p, boolean link, String missingNode) {
        JsonNode n = p.get("node_id");
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(missingNode);
        }
        if (!link) {
            return new String[] {n.asText()};
        }
        JsonNode peer = p.get("peer_id");
        if (peer == null || !peer.isTextual()) {
            throw new IllegalArgumentException("params.peer_id (string) is required with node_id");
        }
        return new String[] {n.asText(), peer.asText()};
    }

    /** A non-empty array of rows, each of {@code features} finite numbers. */
    public static float[][] rows(JsonNode w, int features, String where) {
        if (w == null || !w.isArray() || w.isEmpty()) {
            throw new IllegalArgumentException(where + " must be a non-empty array of rows");
        }
        if (w.size() > MAX_ROWS) {
            throw new IllegalArgumentException(where + " has " + w.size() + " rows, at most " + MAX_ROWS);
        }
        float[][] out = new float[w.size()][];
        for (int i = 0; i < w.size(); i++) {
            out[i] = row(w.get(i), features, where + "[" + i + "]");
        }
        return out;
    }

    /** An array of exactly {@code features} finite numbers (as floats, which must stay finite too). */
    public static float[] row(JsonNode a, int features, String where) {
        if (a == null || !a.isArray() || a.size() != features) {
            throw new IllegalArgumentException(where + " must be an array of " + features + " numbers");
        }
        float[] out = new float[features];
        for (int i = 0; i < features; i++) {
            JsonNode v = a.get(i);
            float f = (float) v.asDouble();
            if (!v.isNumber() || !Float.isFinite(f)) {
                throw new IllegalArgumentException(where + "[" + i + "] is not a finite number");
            }
            out[i] = f;
        }
        return out;
    }
}

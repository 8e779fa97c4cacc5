package io.dwcp.models.data;

/**
 * One consensus cluster's time series in {@code Schemas.LATENCY} column order, one row per step, with the
 * anomaly kind per step ({@code null} = normal). Immutable by convention.
 */
public record ConsensusSeries(String id, double[][] rows, String[] anomaly) {
    public int length() {
        return rows.length;
    }

    public boolean anomalous(int t) {
        return anomaly[t] != null;
    }
}

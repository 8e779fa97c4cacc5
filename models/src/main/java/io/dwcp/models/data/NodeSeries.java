package io.dwcp.models.data;

/**
 * One node's reliability time series in the reliability schema's column order, one row per step, with
 * the incident label per row and the incident kind ({@code null} when normal). Immutable by convention.
 */
public record NodeSeries(String id, double[][] rows, boolean[] incident, String[] kind) {
    public int length() {
        return rows.length;
    }
}

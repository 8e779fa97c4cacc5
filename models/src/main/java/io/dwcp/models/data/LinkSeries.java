package io.dwcp.models.data;

import io.dwcp.models.features.Schemas.LinkType;

/**
 * One link's time series in the bandwidth schema's column order ({@code bandwidth_mbps, latency_ms,
 * packet_loss, jitter_ms, time_of_day, day_of_week}), one row per step. {@code congested[t]} marks
 * steps inside a congestion episode (for plots and per-regime metrics). Immutable by convention.
 */
public record LinkSeries(String id, LinkType linkType, double stepSeconds, double[][] rows, boolean[] congested) {
    public int length() {
        return rows.length;
    }
}

package io.dwcp.models.data;

/**
 * One link's series for the degradation forecaster: rows in the link (bandwidth schema) order
 * {@code bandwidth_mbps, latency_ms, packet_loss, jitter_ms, time_of_day, day_of_week}, the SLO the
 * series is judged against, and the labelled degradation: {@code onset} (first degraded step),
 * {@code breach} (first step whose SLO check fails), {@code end} (first recovered step); all -1 for a
 * healthy series. {@code shape} names the onset shape ({@code healthy}, {@code ramp}, {@code step},
 * {@code congestion}, {@code benign} for a non-breaching excursion). Immutable by convention.
 */
public record DegradationSeries(String id, String shape, String metric, double[][] rows, Slo slo, int onset,
                                int breach, int end) {

    /**
     * A service-level objective on one link: p99-style latency ceiling (ms), throughput floor (Mbit/s) and
     * error-rate (packet loss) ceiling. The check is on the mean of the last {@link #SMOOTH} steps so a
     * single-sample spike is not a breach.
     */
    public record Slo(double latencyMs, double throughputMbps, double errorRate) {
        public static final int SMOOTH = 5;

        public Slo {
            if (!(latencyMs > 0) || !(throughputMbps > 0) || !(errorRate > 0) || errorRate >= 1) {
                throw new IllegalArgumentException("SLO needs latency > 0 ms, throughput floor > 0 Mbit/s and error "
                        + "rate in (0,1), got " + latencyMs + ", " + throughputMbps + ", " + errorRate);
            }
        }

        /** Whether the SLO is breached at step {@code t} (mean of rows t-SMOOTH+1..t; never before SMOOTH rows exist). */
        public boolean breached(double[][] rows, int t) {
            if (t < SMOOTH - 1) return false;
            int from = t - SMOOTH + 1;
            double bw = 0, lat = 0, err = 0;
            for (int i = from; i <= t; i++) {
                bw += rows[i][0];
                lat += rows[i][1];
                err += rows[i][2];
            }
            int n = t - from + 1;
            return lat / n > latencyMs || bw / n < throughputMbps || err / n > errorRate;
        }
    }

    public int length() {
        return rows.length;
    }

    /** Per-step SLO check. */
    public boolean[] breaches() {
        boolean[] b = new boolean[rows.length];
        for (int t = 0; t < rows.length; t++) b[t] = slo.breached(rows, t);
        return b;
    }

    public boolean degrading() {
        return breach >= 0;
    }
}

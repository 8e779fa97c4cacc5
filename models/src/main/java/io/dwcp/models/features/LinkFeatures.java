package io.dwcp.models.features;

import java.util.Arrays;

/**
 * The one feature function of the bandwidth forecaster (issue 14), used by training, {@code evaluate} and
 * serving, and by the agent for its raw rows.
 *
 * <p><b>Raw row</b> ({@link #rawRow}): what the agent stores per link sample, in {@link Schemas#BANDWIDTH}
 * order: {@code bandwidth_mbps, latency_ms, packet_loss, jitter_ms, time_of_day, day_of_week}. Time of day is
 * UTC hours in [0, 24); day of week is <b>Monday = 0 .. Sunday = 6</b> (ISO order minus one; what
 * {@code Pipeline.linkVector} in the agent has always produced; {@code DwcpCsv} used Sunday = 0 before it
 * called this function).
 *
 * <p><b>Model input</b> ({@link #modelInput}): scale-free, so a 5 Mbit/s radio link and a 10 Gbit/s DC link are
 * the same problem. With {@code L} the mean of the window's bandwidth (likewise for latency and jitter) and
 * {@code lr(v, L) = ln((v + e) / (L + e))}, {@code e = 1e-3·L + 1e-9}, each of the 10 steps becomes
 * <ol start="0">
 *   <li>{@code lr(bandwidth, L_bw)}</li>
 *   <li>{@code lr(latency, L_lat)}</li>
 *   <li>{@code (log10(max(loss, 1e-6)) + 3) / 2} (loss is already a ratio)</li>
 *   <li>{@code lr(jitter, L_jit)}</li>
 *   <li>{@code log10(Δt seconds)}, the window's sampling interval (the same on every step)</li>
 *   <li>the step's own bandwidth change {@code ln((bw_t + e) / (bw_{t-1} + e))}, 0 on the first step</li>
 * </ol>
 * log ratios are clamped to ±7. Time of day and day of week are <b>not</b> model inputs: the real traces'
 * clocks start at 0, and a model would learn fake daily cycles from them. Targets ({@link #target}) are the
 * next step's features 0–3; {@link #inverse} maps a prediction back to raw units.
 *
 * <p>Stateless and thread-safe.
 */
public final class LinkFeatures {
    private LinkFeatures() {}

    /** Raw row width ({@link Schemas#BANDWIDTH}) and model row width. */
    public static final int RAW = 6, MODEL = 6, TARGETS = 4;
    static final double CLAMP = 7;
    static final double MIN_DT = 0.01, MAX_DT = 86_400;

    /** The raw row of one link sample: measured values plus UTC time of day (h) and day of week (Monday = 0). */
    public static float[] rawRow(double bandwidthMbps, double latencyMs, double packetLoss, double jitterMs,
                                 long timestampMillis) {
        return new float[] {(float) bandwidthMbps, (float) latencyMs, (float) packetLoss, (float) jitterMs,
            (float) timeOfDay(timestampMillis), (float) dayOfWeek(timestampMillis)};
    }

    private static final long DAY_MILLIS = 86_400_000L;

    /**
     * UTC hours in [0, 24), whole seconds (as {@code ZonedDateTime}'s hour + minute/60 + second/3600, the same
     * doubles). Arithmetic, not {@code java.time}: the agent computes it for every row of every window, and on JDK
     * 17 {@code atZone(ZoneOffset.UTC)} builds a new {@code ZoneRules} per call, two thirds of the pipeline thread's
     * garbage (JFR, 1,000 samples/s).
     */
    public static double timeOfDay(long timestampMillis) {
        int s = (int) (Math.floorMod(timestampMillis, DAY_MILLIS) / 1000);
        return s / 3600 + (s % 3600) / 60 / 60.0 + s % 60 / 3600.0;
    }

    /** Monday = 0 .. Sunday = 6 (UTC); 1970-01-01 was a Thursday (3). */
    public static int dayOfWeek(long timestampMillis) {
        return (int) Math.floorMod(Math.floorDiv(timestampMillis, DAY_MILLIS) + 3, 7L);
    }

    /**
     * The window's sampling interval in seconds from its per-row timestamps (millis): the median of the
     * positive differences; NaN when there is none.
     */
    public static double stepSeconds(long[] timestampsMillis) {
        double[] d = new double[Math.max(0, timestampsMillis.length - 1)];
        int n = 0;
        for (int i = 1; i < timestampsMillis.length; i++) {
            long x = timestampsMillis[i] - timestampsMillis[i - 1];
            if (x > 0) d[n++] = x / 1000.0;
        }
        return median(d, n);
    }

    /**
     * For windows given without timestamps: the interval from the time-of-day column (hours, mod 24), median of
     * the positive differences; NaN when there is none. Exact to about 0.01 s with float rows.
     */
    public static double stepSecondsFromTimeOfDay(float[][] window) {
        double[] d = new double[Math.max(0, window.length - 1)];
        int n = 0;
        for (int i = 1; i < window.length; i++) {
            double h = window[i][4] - window[i - 1][4];
            if (h < 0) h += 24;
            if (h > 0) d[n++] = h * 3600;
        }
        return median(d, n);
    }

    private static double median(double[] d, int n) {
        if (n == 0) return Double.NaN;
        double[] s = Arrays.copyOf(d, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Mean of column {@code col} over the window, floored at 0. */
    public static double level(float[][] window, int col) {
        double s = 0;
        for (float[] r : window) s += r[col];
        return Math.max(0, s / window.length);
    }

    static double eps(double level) {
        return 1e-3 * level + 1e-9;
    }

    static double lr(double v, double level) {
        double e = eps(level);
        double x = Math.log((Math.max(0, v) + e) / (level + e));
        return Math.max(-CLAMP, Math.min(CLAMP, x));
    }

    static double lossCode(double loss) {
        return Math.max(-1.5, Math.min(1.5, (Math.log10(Math.max(loss, 1e-6)) + 3) / 2));
    }

    /** {@code log10(Δt)} with Δt clamped to [0.01 s, 1 day]; NaN or non-positive Δt counts as 1 s. */
    public static double dtCode(double stepSeconds) {
        double dt = Double.isFinite(stepSeconds) && stepSeconds > 0 ? stepSeconds : 1;
        return Math.log10(Math.max(MIN_DT, Math.min(MAX_DT, dt)));
    }

    /** Writes the window's model rows ({@code window.length × MODEL} floats) into {@code out} at {@code off}. */
    public static void modelInput(float[][] window, double stepSeconds, float[] out, int off) {
        double lb = level(window, 0), ll = level(window, 1), lj = level(window, 3);
        double eb = eps(lb);
        float dt = (float) dtCode(stepSeconds);
        for (int t = 0; t < window.length; t++) {
            float[] r = window[t];
            int o = off + t * MODEL;
            out[o] = (float) lr(r[0], lb);
            out[o + 1] = (float) lr(r[1], ll);
            out[o + 2] = (float) lossCode(r[2]);
            out[o + 3] = (float) lr(r[3], lj);
            out[o + 4] = dt;
            out[o + 5] = t == 0 ? 0f : (float) Math.max(-CLAMP, Math.min(CLAMP,
                    Math.log((Math.max(0, r[0]) + eb) / (Math.max(0, window[t - 1][0]) + eb))));
        }
    }

    /** The model-space target of the next raw row {@code next} given the window. */
    public static float[] target(float[][] window, float[] next) {
        return new float[] {(float) lr(next[0], level(window, 0)), (float) lr(next[1], level(window, 1)),
            (float) lossCode(next[2]), (float) lr(next[3], level(window, 3))};
    }

    /** Raw {@code bandwidth_mbps, latency_ms, packet_loss, jitter_ms} of a model-space prediction. */
    public static double[] inverse(float[][] window, float[] y, int off) {
        return new double[] {inv(y[off], level(window, 0)), inv(y[off + 1], level(window, 1)),
            Math.min(1, Math.pow(10, 2 * y[off + 2] - 3)), inv(y[off + 3], level(window, 3))};
    }

    static double inv(double code, double level) {
        double e = eps(level);
        return Math.max(0, (level + e) * Math.exp(Math.max(-CLAMP, Math.min(CLAMP, code))) - e);
    }
}

package io.dwcp.models.features;

import java.util.Arrays;
import java.util.List;

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

    /**
     * An experimental encoding of the bandwidth channels (issue 14, item 1: does the forecaster transfer to a family
     * it never trained on?), named in an artifact's {@code params.feature_variant} so that serving encodes as
     * training did; {@link #SHIPPED} is the encoding above. Not shipped: models/README.md has what each measured.
     * <ul>
     *   <li>{@code vol}: channels 0 and 5 and the bandwidth target divided by the window's robust spread
     *       {@link #spread} (a calm FCC link and a jumpy 3G link then look alike), scaled back on output;</li>
     *   <li>{@code base=ewma|med3}: the bandwidth target is the next value's log ratio to a robust baseline (the
     *       window's EWMA(0.5), or the median of its last 3 values) instead of to the last step: the network's
     *       residual starts from that baseline;</li>
     *   <li>{@code ewmach}: channel 5 is the running EWMA(0.5) of the bandwidth as a log ratio to the level,
     *       instead of the step change.</li>
     * </ul>
     */
    public record Variant(boolean vol, String base, boolean ewmaChannel) {
        public static final Variant SHIPPED = new Variant(false, "last", false);

        /** Comma-separated {@code vol}, {@code base=ewma|med3|last}, {@code ewmach}; blank = {@link #SHIPPED}. */
        public static Variant parse(String spec) {
            boolean vol = false, ch = false;
            String base = "last";
            for (String p : (spec == null ? "" : spec).split(",")) {
                String t = p.trim();
                if (t.isEmpty()) continue;
                if (t.equals("vol")) vol = true;
                else if (t.equals("ewmach")) ch = true;
                else if (t.startsWith("base=") && List.of("last", "ewma", "med3").contains(t.substring(5))) base = t.substring(5);
                else throw new IllegalArgumentException("feature variant: unknown part '" + t + "' of '" + spec
                        + "'; known: vol, ewmach, base=last|ewma|med3");
            }
            return new Variant(vol, base, ch);
        }

        public boolean shipped() {
            return equals(SHIPPED);
        }

        @Override
        public String toString() {
            List<String> p = new java.util.ArrayList<>();
            if (vol) p.add("vol");
            if (!base.equals("last")) p.add("base=" + base);
            if (ewmaChannel) p.add("ewmach");
            return String.join(",", p);
        }
    }

    /** Floor of {@link #spread}: below it a window counts as calm (1 % median step change). */
    static final double MIN_SPREAD = 0.01;
    /** Bound of the volatility-normalised channels and target. */
    static final double VOL_CLAMP = 20;

    /** The window's robust spread: the median absolute step change of ln(bandwidth), floored at {@link #MIN_SPREAD}. */
    public static double spread(float[][] window) {
        double eb = eps(level(window, 0));
        double[] d = new double[window.length - 1];
        for (int t = 1; t < window.length; t++) {
            d[t - 1] = Math.abs(Math.log((Math.max(0, window[t][0]) + eb) / (Math.max(0, window[t - 1][0]) + eb)));
        }
        return Math.max(MIN_SPREAD, median(d, d.length));
    }

    /** The variant's baseline bandwidth of the window (raw units). */
    static double baseline(float[][] window, String base) {
        int n = window.length;
        return switch (base) {
            case "ewma" -> {
                double e = window[0][0];
                for (int t = 1; t < n; t++) e = 0.5 * window[t][0] + 0.5 * e;
                yield e;
            }
            case "med3" -> {
                double a = window[n - 1][0], b = window[n - 2][0], c = window[n - 3][0];
                yield Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
            }
            default -> window[n - 1][0];
        };
    }

    /** {@link #modelInput} under a variant ({@link Variant#SHIPPED}: the same). */
    public static void modelInput(float[][] window, double stepSeconds, Variant v, float[] out, int off) {
        modelInput(window, stepSeconds, out, off);
        if (v.shipped()) return;
        double lb = level(window, 0);
        if (v.ewmaChannel()) {
            double e = window[0][0];
            for (int t = 0; t < window.length; t++) {
                if (t > 0) e = 0.5 * window[t][0] + 0.5 * e;
                out[off + t * MODEL + 5] = (float) lr(e, lb);
            }
        }
        if (v.vol()) {
            double s = spread(window);
            for (int t = 0; t < window.length; t++) {
                for (int c : new int[] {0, 5}) {
                    int o = off + t * MODEL + c;
                    out[o] = (float) Math.max(-VOL_CLAMP, Math.min(VOL_CLAMP, out[o] / s));
                }
            }
        }
    }

    /**
     * {@link #target} under a variant: with a baseline B, bandwidth target {@code (lr(next) - lr(B)) / s + x_last}
     * ({@code x_last} the last step's channel 0 as encoded, s the spread or 1), so that the network's residual on
     * its last input step is a residual on B.
     */
    public static float[] target(float[][] window, float[] next, Variant v) {
        float[] t = target(window, next);
        if (v.shipped()) return t;
        t[0] = (float) encodeBandwidth(window, lr(next[0], level(window, 0)), v);
        return t;
    }

    /** The scale factor of the bandwidth channel (the spread with {@code vol}, else 1). */
    public static double scaleOf(float[][] window, Variant v) {
        return v.vol() ? spread(window) : 1;
    }

    /** Model-space code of a bandwidth log ratio {@code lrNext} under a variant (what {@link #target} yields). */
    static double encodeBandwidth(float[][] window, double lrNext, Variant v) {
        double lb = level(window, 0), s = scaleOf(window, v);
        double xLast = lr(window[window.length - 1][0], lb);
        double lrBase = lr(baseline(window, v.base()), lb);
        double c = (lrNext - lrBase) / s + (v.vol() ? Math.max(-VOL_CLAMP, Math.min(VOL_CLAMP, xLast / s)) : xLast);
        return Math.max(-VOL_CLAMP * 2, Math.min(VOL_CLAMP * 2, c));
    }

    /** {@link #inverse} under a variant. */
    public static double[] inverse(float[][] window, float[] y, int off, Variant v) {
        double[] r = inverse(window, y, off);
        if (v.shipped()) return r;
        double lb = level(window, 0), s = scaleOf(window, v);
        double xLast = lr(window[window.length - 1][0], lb);
        double xLastCode = v.vol() ? Math.max(-VOL_CLAMP, Math.min(VOL_CLAMP, xLast / s)) : xLast;
        double lrNext = (y[off] - xLastCode) * s + lr(baseline(window, v.base()), lb);
        r[0] = inv(lrNext, lb);
        return r;
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

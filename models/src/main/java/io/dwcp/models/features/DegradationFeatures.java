package io.dwcp.models.features;

/**
 * The degradation forecaster's view of a link window: every step is expressed as <em>headroom to the
 * SLO</em> in log space, so one network serves a 1 ms DC link and a 150 ms WAN link alike and the SLO the
 * operator configures is an input rather than something baked into the weights. Per step:
 * <ol>
 * <li>{@code ln(latency / slo_latency)} (positive = latency above its ceiling),</li>
 * <li>{@code ln(slo_throughput / throughput)} (positive = throughput below its floor),</li>
 * <li>{@code ln((loss + 1e-4) / (slo_error + 1e-4)) / 3} (positive = errors above their ceiling),</li>
 * <li>{@code sin} and {@code cos} of the time of day.</li>
 * </ol>
 * The three targets are forecast in the same coordinates and mapped back with {@link #toRaw}. Inputs are the
 * raw link rows in {@link Schemas#BANDWIDTH} order. Stateless, thread-safe.
 *
 * <p>The three headroom coordinates are clamped to the range a model was trained on ({@link Clamp}, part of
 * the model's metadata): outside it a network extrapolates blindly. {@link Clamp#NARROW} ({@link #LOW}..{@link
 * #HIGH}) is the range of the synthetic-only model of 2026-11 (SLOs 1.8–3× nominal latency, floors 35–60 % of
 * nominal throughput): with it unclamped, an 800 Mbit/s link judged against a 10 Mbit/s floor (headroom
 * ln(10/800) = −4.4) made that model answer p = 0.0024 for a latency ramp straight through the SLO. It stays
 * the default, for artifacts that name no clamp and for the trend baseline, whose figures (issue 19) were
 * measured with it. {@link Clamp#WIDE} covers the SLOs drawn for the real-series training of issue 19 (floors
 * 1–90 % of a series' median, latency ceilings up to 100× the latency); it still bounds the throughput
 * headroom of a near-zero sample (ln(floor / 1e-6) would otherwise reach ~16).
 */
public final class DegradationFeatures {
    private DegradationFeatures() {}

    public static final int FEATURES = 5, TARGETS = 3;
    static final double EPS_ERR = 1e-4, ERR_DIV = 3, EPS = 1e-6;
    /** Clamp of latency, throughput and error headroom (training inputs spanned −1.36..1.38, −1.35..3.74, −1.77..0.23). */
    public static final double[] LOW = {-1.4, -1.4, -1.8}, HIGH = {1.4, 3.75, 0.25};

    /**
     * Bounds of the latency, throughput and error headroom coordinates (in that order). Immutable.
     */
    public record Clamp(double[] low, double[] high) {
        /** The synthetic-only model's range (the default). */
        public static final Clamp NARROW = new Clamp(LOW, HIGH);
        /** The real-series model's range (issue 19): training SLOs drawn wide, see the class comment. */
        public static final Clamp WIDE = new Clamp(new double[] {-5, -6, -2}, new double[] {2.5, 5, 1});
        /** Metadata key of a model's clamp ({@code {"low": [3], "high": [3]}}); absent = {@link #NARROW}. */
        public static final String PARAM = "headroom_clamp";

        public Clamp {
            if (low.length != TARGETS || high.length != TARGETS) {
                throw new IllegalArgumentException("headroom clamp needs " + TARGETS + " bounds each, got " + low.length
                        + " and " + high.length);
            }
            for (int k = 0; k < TARGETS; k++) {
                if (!(low[k] < high[k])) {
                    throw new IllegalArgumentException("headroom clamp " + k + ": low " + low[k] + " >= high " + high[k]);
                }
            }
            low = low.clone();
            high = high.clone();
        }

        float apply(int k, double v) {
            return (float) Math.max(low[k], Math.min(high[k], v));
        }

        /** As stored under {@link #PARAM}. */
        public java.util.Map<String, Object> toParam() {
            return java.util.Map.of("low", java.util.Arrays.stream(low).boxed().toList(), "high",
                    java.util.Arrays.stream(high).boxed().toList());
        }

        /** The clamp a model's params name, or {@link #NARROW} when they name none. */
        public static Clamp of(java.util.Map<String, Object> params) {
            Object v = params == null ? null : params.get(PARAM);
            if (v == null) return NARROW;
            if (!(v instanceof java.util.Map<?, ?> m) || !(m.get("low") instanceof java.util.List<?> lo)
                    || !(m.get("high") instanceof java.util.List<?> hi)) {
                throw new IllegalArgumentException(PARAM + " must be {\"low\": [3 numbers], \"high\": [3 numbers]}, got " + v);
            }
            return new Clamp(lo.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray(),
                    hi.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray());
        }
    }

    /** Headroom coordinates of one raw link row against the SLO (latency ms, throughput floor Mbit/s, error rate). */
    public static void transform(float[] row, double sloLat, double sloBw, double sloErr, float[] out, int off) {
        transform(row, sloLat, sloBw, sloErr, out, off, Clamp.NARROW);
    }

    /** As {@link #transform(float[], double, double, double, float[], int)} within {@code c}. */
    public static void transform(float[] row, double sloLat, double sloBw, double sloErr, float[] out, int off, Clamp c) {
        double bw = Math.max(EPS, row[0]), lat = Math.max(EPS, row[1]), err = Math.max(0, row[2]);
        out[off] = c.apply(0, Math.log(lat / sloLat));
        out[off + 1] = c.apply(1, Math.log(sloBw / bw));
        out[off + 2] = c.apply(2, Math.log((err + EPS_ERR) / (sloErr + EPS_ERR)) / ERR_DIV);
        double a = 2 * Math.PI * row[4] / 24.0;
        out[off + 3] = (float) Math.sin(a);
        out[off + 4] = (float) Math.cos(a);
    }

    /** A window [steps][6] into a flat [steps × 5] block of {@code out} at {@code off}. */
    public static void transformWindow(float[][] window, double sloLat, double sloBw, double sloErr, float[] out, int off) {
        transformWindow(window, sloLat, sloBw, sloErr, out, off, Clamp.NARROW);
    }

    /** As {@link #transformWindow(float[][], double, double, double, float[], int)} within {@code c}. */
    public static void transformWindow(float[][] window, double sloLat, double sloBw, double sloErr, float[] out, int off,
                                       Clamp c) {
        for (int t = 0; t < window.length; t++) transform(window[t], sloLat, sloBw, sloErr, out, off + t * FEATURES, c);
    }

    /** Back from headroom coordinates to raw latency_ms, throughput_mbps, error_rate ({@code k} = 0, 1, 2). */
    public static double toRaw(int k, double v, double sloLat, double sloBw, double sloErr) {
        return switch (k) {
            case 0 -> sloLat * Math.exp(v);
            case 1 -> sloBw / Math.exp(v);
            case 2 -> Math.max(0, (sloErr + EPS_ERR) * Math.exp(v * ERR_DIV) - EPS_ERR);
            default -> throw new IllegalArgumentException("target " + k);
        };
    }

    /** Raw value of target {@code k} from a link row (latency, throughput, error rate). */
    public static double raw(int k, double[] row) {
        return switch (k) {
            case 0 -> row[1];
            case 1 -> row[0];
            case 2 -> row[2];
            default -> throw new IllegalArgumentException("target " + k);
        };
    }
}

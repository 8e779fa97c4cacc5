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
 * <p>The three headroom coordinates are clamped to {@link #LOW}..{@link #HIGH}, the extremes of the inputs the
 * shipped model was trained and tested on (seed 42, scale 0.5: 350 series × 400 steps; none of them is
 * clamped, so its reported figures stand). Outside that range the network extrapolates blindly: an
 * 800 Mbit/s link judged against the default 10 Mbit/s floor has throughput headroom ln(10/800) = −4.4, and
 * with it the model answered p = 0.0024 for a latency ramp straight through a 100 ms SLO (p = 0.999 once
 * clamped). Far from the SLO reads as "as far as ever seen": a link 80× above its floor is as safe as one 4×
 * above it.
 */
public final class DegradationFeatures {
    private DegradationFeatures() {}

    public static final int FEATURES = 5, TARGETS = 3;
    static final double EPS_ERR = 1e-4, ERR_DIV = 3, EPS = 1e-6;
    /** Clamp of latency, throughput and error headroom (training inputs spanned −1.36..1.38, −1.35..3.74, −1.77..0.23). */
    public static final double[] LOW = {-1.4, -1.4, -1.8}, HIGH = {1.4, 3.75, 0.25};

    /** Headroom coordinates of one raw link row against the SLO (latency ms, throughput floor Mbit/s, error rate). */
    public static void transform(float[] row, double sloLat, double sloBw, double sloErr, float[] out, int off) {
        double bw = Math.max(EPS, row[0]), lat = Math.max(EPS, row[1]), err = Math.max(0, row[2]);
        out[off] = clamp(0, Math.log(lat / sloLat));
        out[off + 1] = clamp(1, Math.log(sloBw / bw));
        out[off + 2] = clamp(2, Math.log((err + EPS_ERR) / (sloErr + EPS_ERR)) / ERR_DIV);
        double a = 2 * Math.PI * row[4] / 24.0;
        out[off + 3] = (float) Math.sin(a);
        out[off + 4] = (float) Math.cos(a);
    }

    private static float clamp(int k, double v) {
        return (float) Math.max(LOW[k], Math.min(HIGH[k], v));
    }

    /** A window [steps][6] into a flat [steps × 5] block of {@code out} at {@code off}. */
    public static void transformWindow(float[][] window, double sloLat, double sloBw, double sloErr, float[] out, int off) {
        for (int t = 0; t < window.length; t++) transform(window[t], sloLat, sloBw, sloErr, out, off + t * FEATURES);
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

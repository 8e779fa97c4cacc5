package io.dwcp.models.data;

import io.dwcp.models.data.DegradationSeries.Slo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real throughput traces as degradation-forecaster series (issue 19): each trace, aggregated to each factor of
 * its step ({@link Traces#resample}, mean throughput over the coarser step), judged against several SLOs drawn
 * per series. Only the throughput floor is real: a trace has no latency or loss, so those columns hold the
 * {@link Traces} fill constants and their ceilings are drawn far above them (latency 1.2–200× the fill,
 * loss 0.5–50 %, both log-uniform, reaching the bounds of {@link io.dwcp.models.features.DegradationFeatures.Clamp#WIDE}
 * as a link far below its ceilings does), so they never fire but the network sees a wide range of latency and
 * error headroom next to real throughput. Floors relative to the series' median: the first
 * log-uniform over 15–90 % (where breaches happen), the others over 1–90 % (operators also set floors far
 * below a link's level). Shape {@code real}, metric {@code throughput}; {@code breach} is the first breached
 * step (the series can breach many times; the trainer labels every window from {@link
 * DegradationSeries#breaches()}), {@code onset} and {@code end} are -1 (not known for real data).
 * Deterministic in the seed. Stateless.
 */
public final class RealDegradation {
    private RealDegradation() {}

    public static final String SHAPE = "real";

    /**
     * Every trace at every factor with at least {@code minLength} samples, {@code floors} SLOs each. The id is
     * the resampled trace's id plus {@code #<k>}, so {@link #traceOf} recovers the trace for splits.
     */
    public static List<DegradationSeries> from(List<LinkSeries> traces, int[] factors, int floors, int minLength, long seed) {
        if (floors < 1) throw new IllegalArgumentException("floors must be >= 1, got " + floors);
        Rng root = new Rng(seed);
        List<DegradationSeries> out = new ArrayList<>();
        for (LinkSeries s : traces) {
            for (int f : factors) {
                LinkSeries r = Traces.resample(s, f, 0);
                if (r.length() < minLength) continue;
                double[][] rows = new double[r.length()][];
                double[] bw = new double[r.length()];
                for (int t = 0; t < rows.length; t++) {
                    rows[t] = r.rows()[t].clone();
                    bw[t] = rows[t][0];
                }
                double med = median(bw);
                if (!(med > 0)) continue; // a dead trace has no level to set a floor against
                Rng g = root.split();
                for (int k = 0; k < floors; k++) {
                    double frac = Math.exp(g.uniform(Math.log(k == 0 ? 0.15 : 0.01), Math.log(0.9)));
                    Slo slo = new Slo(Traces.FILL_LATENCY_MS * Math.exp(g.uniform(Math.log(1.2), Math.log(200))),
                            frac * med, Math.exp(g.uniform(Math.log(0.005), Math.log(0.5))));
                    DegradationSeries probe = new DegradationSeries(r.id() + "#" + k, SHAPE, "throughput", rows, slo, -1, -1, -1);
                    boolean[] b = probe.breaches();
                    int first = -1;
                    for (int t = 0; t < b.length && first < 0; t++) if (b[t]) first = t;
                    out.add(new DegradationSeries(probe.id(), SHAPE, "throughput", rows, slo, -1, first, -1));
                }
            }
        }
        return out;
    }

    /** The trace a series was made from (its id without the {@code @x<factor>} and {@code #<k>} suffixes). */
    public static String traceOf(String id) {
        int h = id.indexOf('#');
        String s = h < 0 ? id : id.substring(0, h);
        int a = s.indexOf("@x");
        return a < 0 ? s : s.substring(0, a);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

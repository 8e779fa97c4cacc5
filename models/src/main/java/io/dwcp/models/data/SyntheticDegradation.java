package io.dwcp.models.data;

import io.dwcp.models.data.DegradationSeries.Slo;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic per-link latency / throughput / error-rate series with a labelled degradation onset, for the
 * degradation forecaster. Each series: a nominal level per metric (link scales from a 1 ms / 10 Gbit/s DC
 * link to a 150 ms / 20 Mbit/s WAN link), a diurnal cycle (period 200–600 steps, amplitude 3–15%),
 * multiplicative noise (latency 2–6%, throughput 3–8%), rare one-step latency spikes, and an SLO set
 * 1.8–3× above nominal latency, at 35–60% of nominal throughput and at 1–3% errors.
 *
 * <p>Onset shapes (roughly equal shares; about a third of series stay healthy or carry a benign bump):
 * <ul>
 * <li>{@code ramp}: one metric drifts linearly from nominal to its SLO over 20–60 steps, then past it;</li>
 * <li>{@code step}: a path change steps the metric to 55–80% of the way to its SLO, then it creeps on
 *     and reaches the SLO 15–40 steps later (an instantaneous step into breach gives no warning to
 *     forecast, so it is not generated);</li>
 * <li>{@code congestion}: utilisation rises from 50% towards saturation over 20–60 steps; latency grows like
 *     {@code 1/(1-ρ)}, throughput falls and losses climb together, late and steeply;</li>
 * <li>{@code benign}: a bump of 20–50% of the SLO headroom that returns to nominal (a hard negative).</li>
 * </ul>
 * The breach step is where the SLO check first fails, computed from the generated values, not assumed.
 * With {@code wideSlo} the SLO is drawn over a much wider range (latency ceilings 1.5–30× nominal, throughput
 * floors 1–70 % of nominal, error ceilings 0.5–10 %, all log-uniform but the last), the way operators set them
 * without knowing the link (issue 19: the agent's default 10 Mbit/s floor on an 800 Mbit/s link); the draws are
 * the same in number, so the rest of each series is generated exactly as without it.
 * Deterministic in the seed. Stateless.
 */
public final class SyntheticDegradation {
    private SyntheticDegradation() {}

    public static final String[] SHAPES = {"ramp", "step", "congestion"};

    /** {@code n} series of {@code length} steps. */
    public static List<DegradationSeries> generate(int n, int length, long seed) {
        return generate(n, length, seed, false);
    }

    /** {@code n} series of {@code length} steps, SLOs drawn wide when {@code wideSlo}. */
    public static List<DegradationSeries> generate(int n, int length, long seed, boolean wideSlo) {
        Rng root = new Rng(seed);
        List<DegradationSeries> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(one((wideSlo ? "degw-" : "deg-") + seed + "-" + i, length, root.split(), i, wideSlo));
        }
        return out;
    }

    static DegradationSeries one(String id, int len, Rng r, int index) {
        return one(id, len, r, index, false);
    }

    static DegradationSeries one(String id, int len, Rng r, int index, boolean wideSlo) {
        double lat0 = Math.exp(r.uniform(Math.log(1), Math.log(150)));
        double bw0 = Math.exp(r.uniform(Math.log(20), Math.log(10000)));
        double err0 = Math.exp(r.uniform(Math.log(1e-4), Math.log(2e-3)));
        double jit0 = lat0 * r.uniform(0.02, 0.1);
        Slo slo = wideSlo
                ? new Slo(lat0 * Math.exp(r.uniform(Math.log(1.5), Math.log(30))),
                        bw0 * Math.exp(r.uniform(Math.log(0.01), Math.log(0.7))), r.uniform(0.005, 0.1))
                : new Slo(lat0 * r.uniform(1.8, 3.0), bw0 * r.uniform(0.35, 0.6), r.uniform(0.01, 0.03));
        double period = r.uniform(200, 600), phase = r.uniform(0, 2 * Math.PI), amp = r.uniform(0.03, 0.15);
        double latNoise = r.uniform(0.02, 0.06), bwNoise = r.uniform(0.03, 0.08);
        int dow = r.nextInt(7);
        // Mix: index mod 6 → 0,1,2 the three shapes, 3 benign bump, 4-5 healthy; shapes then shuffled by draws.
        int kind = index % 6;
        String shape = kind < 3 ? SHAPES[kind] : kind == 3 ? "benign" : "healthy";
        String metric = "none";
        // Multipliers applied to nominal: latency up (>1), throughput down (<1), error up (additive).
        double[] latM = new double[len], bwM = new double[len], errA = new double[len];
        java.util.Arrays.fill(latM, 1);
        java.util.Arrays.fill(bwM, 1);
        int onset = -1, end = -1;
        if (!shape.equals("healthy")) {
            onset = r.nextInt(90, Math.max(91, len - 110));
            int dur = shape.equals("step") ? r.nextInt(15, 40) : r.nextInt(20, 60);
            int hold = r.nextInt(20, 60);
            metric = shape.equals("congestion") ? "all" : new String[] {"latency", "throughput", "errors"}[r.nextInt(3)];
            // Fraction f of the way from nominal to the SLO: 0 before onset, 1 at onset + dur (the SLO line), then
            // on to the peak over 5 steps, held, and back to nominal over 10 steps. A benign bump peaks below 1.
            double peak = shape.equals("benign") ? r.uniform(0.2, 0.5) : r.uniform(1.25, 1.6);
            double top = shape.equals("benign") ? peak : 1.0;
            double stepTo = r.uniform(0.55, 0.8);
            end = Math.min(len, onset + dur + 5 + hold);
            for (int t = onset; t < len; t++) {
                double f;
                if (t < onset + dur) {
                    double u = (t - onset + 1.0) / dur;
                    f = top * switch (shape) {
                        case "step" -> stepTo + (1 - stepTo) * u;
                        case "congestion" -> congestion(u);
                        default -> u;
                    };
                } else if (t < onset + dur + 5) {
                    f = top + (peak - top) * (t - onset - dur + 1) / 5.0;
                } else if (t < end) {
                    f = peak;
                } else {
                    f = Math.max(0, peak * (1 - (t - end + 1) / 10.0));
                }
                apply(metric, f, latM, bwM, errA, t, slo, lat0, bw0, err0);
            }
            if (shape.equals("benign")) end = Math.min(len, end + 10);
        }
        double[][] rows = new double[len][6];
        int lastSpike = -100;
        for (int t = 0; t < len; t++) {
            double d = 1 + amp * Math.sin(2 * Math.PI * t / period + phase);
            // Isolated one-step spikes (at most one per 10 steps): noise the SLO's 5-step mean must absorb.
            double spike = 1;
            if (t - lastSpike >= 10 && r.bernoulli(0.005)) {
                spike = r.uniform(1.5, 3);
                lastSpike = t;
            }
            double lat = lat0 * d * latM[t] * Math.exp(r.normal(0, latNoise)) * spike;
            double bw = bw0 / d * bwM[t] * Math.exp(r.normal(0, bwNoise));
            double err = Math.max(0, err0 * Math.exp(r.normal(0, 0.3)) + errA[t] * Math.exp(r.normal(0, 0.1)));
            double tod = 24.0 * (((t / period + phase / (2 * Math.PI)) % 1.0));
            rows[t] = new double[] {bw, lat, Math.min(1, err), Math.max(0, jit0 * latM[t] * Math.exp(r.normal(0, 0.2))),
                    tod, dow};
        }
        DegradationSeries probe = new DegradationSeries(id, shape, metric, rows, slo, onset, -1, end);
        int breach = -1;
        if (!shape.equals("healthy")) {
            boolean[] b = probe.breaches();
            for (int t = Math.max(0, onset); t < len; t++) {
                if (b[t]) {
                    breach = t;
                    break;
                }
            }
        }
        if (shape.equals("benign") || shape.equals("healthy")) breach = -1;
        return new DegradationSeries(id, shape, metric, rows, slo, onset, breach, end);
    }

    /**
     * Utilisation ρ rising linearly from 0.5 to 0.95: the queueing term {@code 1/(1-ρ)}, normalised to 0 at
     * ρ = 0.5 and 1 at 0.95, makes the rise late and steep, as real congestion is.
     */
    static double congestion(double u) {
        double rho = 0.5 + 0.45 * u;
        return (1 / (1 - rho) - 2) / (1 / 0.05 - 2);
    }

    /** Sets step {@code t}'s multipliers so that the metric is {@code f} of the way from nominal to its SLO. */
    static void apply(String metric, double f, double[] latM, double[] bwM, double[] errA, int t, Slo slo,
                      double lat0, double bw0, double err0) {
        double latUp = 1 + f * (slo.latencyMs() / lat0 - 1);
        double bwDown = 1 - f * (1 - slo.throughputMbps() / bw0);
        double errUp = f * (slo.errorRate() - err0);
        switch (metric) {
            case "latency" -> latM[t] = latUp;
            case "throughput" -> bwM[t] = Math.max(0.01, bwDown);
            case "errors" -> errA[t] = Math.max(0, errUp);
            default -> {
                latM[t] = latUp;
                bwM[t] = Math.max(0.01, 1 - 0.8 * f * (1 - slo.throughputMbps() / bw0));
                errA[t] = Math.max(0, 0.8 * errUp);
            }
        }
    }
}

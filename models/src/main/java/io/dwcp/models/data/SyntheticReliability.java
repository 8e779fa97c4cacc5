package io.dwcp.models.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic node-reliability telemetry (time series per node) with labelled incidents, for the
 * Isolation Forest. Columns follow {@code Schemas.RELIABILITY}: uptime_pct, failure_rate, packet_loss,
 * retransmits, error_budget_burn_rate, rtt_ms, cpu_usage, memory_usage, error_rate.
 *
 * <p>Normal behaviour (step 5 min): uptime {@code 100 - Exp(0.02)} (floored at 99.5); failure_rate
 * Exp(5e-4); packet_loss = link baseline (DC 1e-4, METRO 5e-4, WAN 2e-3) × lognormal(0, 0.4);
 * retransmits Poisson(loss × 20000); burn rate lognormal(ln 0.8, 0.3); RTT = link baseline (0.5 / 5 /
 * 60 ms, × lognormal(0, 0.3) per node) × daily factor × lognormal(0, 0.1); cpu 0.3 + 0.2·daily +
 * N(0, 0.05); memory node base U(0.4, 0.7) + N(0, 0.03); error_rate Exp(1e-3).
 *
 * <p>Incidents: each node has a Poisson(1.5) number of episodes of 3–12 steps, kind uniform among
 * <b>failure_burst</b> (failure_rate log-uniform(0.005, 0.2), uptime U(97, 99.5), error_rate
 * log-uniform(0.004, 0.05), burn U(2, 10)), <b>packet_loss_spike</b> (loss log-uniform(0.01, 0.2),
 * retransmits from loss, RTT × U(1.2, 3), burn U(1.3, 4)) and <b>error_budget_burn</b> (burn U(2.5, 15),
 * error_rate log-uniform(0.005, 0.1), cpu U(0.6, 1)). The low ends reach into the tails of normal rows
 * on purpose, so the evaluation is not a trivially separable one.
 * Rows inside an episode are labelled incidents. Deterministic for a seed; thread-safe.
 */
public final class SyntheticReliability {
    private SyntheticReliability() {}

    public static final String[] KINDS = {"failure_burst", "packet_loss_spike", "error_budget_burn"};

    public static List<NodeSeries> generate(int nodes, int steps, long seed) {
        Rng root = new Rng(seed);
        List<NodeSeries> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            out.add(node("node-" + n, n % 3, steps, root.split()));
        }
        return out;
    }

    static NodeSeries node(String id, int linkType, int steps, Rng r) {
        double loss0 = new double[] {1e-4, 5e-4, 2e-3}[linkType];
        double rtt0 = new double[] {0.5, 5, 60}[linkType] * r.lognormal(0, 0.3);
        double mem0 = r.uniform(0.4, 0.7);
        double phase = r.uniform(0, 24);
        String[] kind = new String[steps];
        boolean[] inc = new boolean[steps];
        int episodes = r.poisson(1.5);
        for (int e = 0; e < episodes; e++) {
            int len = r.nextInt(3, 12);
            int start = r.nextInt(Math.max(1, steps - len));
            String k = KINDS[r.nextInt(KINDS.length)];
            for (int s = start; s < start + len && s < steps; s++) {
                inc[s] = true;
                kind[s] = k;
            }
        }
        double[][] rows = new double[steps][];
        for (int s = 0; s < steps; s++) {
            double hod = (phase + s * 5 / 60.0) % 24;
            double daily = 0.5 + 0.5 * Math.sin(2 * Math.PI * (hod - 9) / 24);
            double uptime = Math.max(99.5, 100 - r.exponential(0.02));
            double failure = r.exponential(5e-4);
            double loss = loss0 * r.lognormal(0, 0.4);
            double burn = r.lognormal(Math.log(0.8), 0.3);
            double rtt = rtt0 * (1 + 0.3 * daily) * r.lognormal(0, 0.1);
            double cpu = clamp01(0.3 + 0.2 * daily + r.normal(0, 0.05));
            double mem = clamp01(mem0 + r.normal(0, 0.03));
            double err = r.exponential(1e-3);
            if (inc[s]) {
                switch (kind[s]) {
                    case "failure_burst" -> {
                        failure = logUniform(r, 0.005, 0.2);
                        uptime = r.uniform(97, 99.5);
                        err = logUniform(r, 0.004, 0.05);
                        burn = r.uniform(2, 10);
                    }
                    case "packet_loss_spike" -> {
                        loss = logUniform(r, 0.01, 0.2);
                        rtt *= r.uniform(1.2, 3);
                        burn = r.uniform(1.3, 4);
                    }
                    default -> {
                        burn = r.uniform(2.5, 15);
                        err = logUniform(r, 0.005, 0.1);
                        cpu = r.uniform(0.6, 1.0);
                    }
                }
            }
            double retrans = r.poisson(loss * 20000);
            rows[s] = new double[] {uptime, failure, loss, retrans, burn, rtt, cpu, mem, err};
        }
        return new NodeSeries(id, rows, inc, kind);
    }

    private static double logUniform(Rng r, double lo, double hi) {
        return Math.exp(r.uniform(Math.log(lo), Math.log(hi)));
    }

    private static double clamp01(double v) {
        return Math.max(0, Math.min(1, v));
    }
}

package io.dwcp.models.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic consensus telemetry (one series per cluster, step 10 s) with the design's four labelled
 * anomaly types, for the latency autoencoder. Columns follow {@code Schemas.LATENCY}.
 *
 * <p>Cluster constants: network_tier 0 (LAN) or 1 (WAN); dwcp_mode 0–2; consensus_type 0–2 (Raft,
 * PBFT, HotStuff); cluster size 3, 5 or 7 with quorum {@code n/2+1}; base p50 latency U(5, 20) ms on
 * LAN, U(60, 150) ms on WAN, × (1 + 0.15 consensus_type).
 *
 * <p>Normal step: load {@code L = 1 + 0.3 sin(2πt/2160) + 0.1 AR(1)}; p50 = base·L·lognormal(0, 0.08);
 * p95 = p50·U(1.7, 2.1); p99 = p95·U(1.3, 1.6); queue_depth Poisson(5L); proposals_pending Poisson(3L);
 * proposals_committed Poisson(50 / L); leader_changes Bernoulli(0.005); active_nodes = n, with a
 * 1% chance per step of n-1.
 *
 * <p>Anomaly episodes (on average one per 400 steps, duration U(15, 45) steps, kind uniform):
 * <b>network_congestion</b> latencies × U(5, 20), queue unchanged; <b>leader_election_storm</b>
 * leader_changes U{5..8}, latencies × U(3, 6), committed × 0.3; <b>queue_overflow</b> queue_depth
 * U(40, 80), pending U(20, 50), latencies × U(2, 4); <b>byzantine</b> every metric × lognormal(0, 1)
 * independently, leader_changes U{0..6}, active_nodes U{quorum-1..n}. Deterministic for a seed.
 */
public final class SyntheticConsensus {
    private SyntheticConsensus() {}

    public static final String[] KINDS = {"network_congestion", "leader_election_storm", "queue_overflow", "byzantine"};

    public static List<ConsensusSeries> generate(int clusters, int steps, long seed) {
        Rng root = new Rng(seed);
        List<ConsensusSeries> out = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            out.add(cluster("cluster-" + c, steps, root.split()));
        }
        return out;
    }

    static ConsensusSeries cluster(String id, int steps, Rng r) {
        int tier = r.nextInt(2);
        int mode = r.nextInt(3);
        int ctype = r.nextInt(3);
        int n = new int[] {3, 5, 7}[r.nextInt(3)];
        int quorum = n / 2 + 1;
        double base = (tier == 0 ? r.uniform(5, 20) : r.uniform(60, 150)) * (1 + 0.15 * ctype);
        String[] anomaly = new String[steps];
        double[] mult = new double[steps];
        int t = 100 + (int) r.exponential(400);
        while (t < steps) {
            int dur = r.nextInt(15, 45);
            String kind = KINDS[r.nextInt(KINDS.length)];
            double m = switch (kind) {
                case "network_congestion" -> r.uniform(5, 20);
                case "leader_election_storm" -> r.uniform(3, 6);
                case "queue_overflow" -> r.uniform(2, 4);
                default -> 1;
            };
            for (int k = 0; k < dur && t + k < steps; k++) {
                anomaly[t + k] = kind;
                mult[t + k] = m;
            }
            t += dur + 60 + (int) r.exponential(400);
        }
        double ar = 0;
        double phase = r.uniform(0, 2160);
        double[][] rows = new double[steps][];
        for (int s = 0; s < steps; s++) {
            ar = 0.9 * ar + 0.1 * Math.sqrt(1 - 0.81) * r.normal();
            double load = 1 + 0.3 * Math.sin(2 * Math.PI * (s + phase) / 2160) + ar;
            double p50 = base * load * r.lognormal(0, 0.08);
            double p95 = p50 * r.uniform(1.7, 2.1);
            double p99 = p95 * r.uniform(1.3, 1.6);
            double queue = r.poisson(5 * load);
            double pending = r.poisson(3 * load);
            double committed = r.poisson(50 / load);
            double leader = r.bernoulli(0.005) ? 1 : 0;
            double active = r.bernoulli(0.01) ? n - 1 : n;
            String a = anomaly[s];
            if (a != null) {
                switch (a) {
                    case "network_congestion" -> {
                        p50 *= mult[s];
                        p95 *= mult[s];
                        p99 *= mult[s];
                    }
                    case "leader_election_storm" -> {
                        leader = r.nextInt(5, 8);
                        p50 *= mult[s];
                        p95 *= mult[s];
                        p99 *= mult[s];
                        committed = Math.round(committed * 0.3);
                    }
                    case "queue_overflow" -> {
                        queue = Math.round(r.uniform(40, 80));
                        pending = Math.round(r.uniform(20, 50));
                        p50 *= mult[s];
                        p95 *= mult[s];
                        p99 *= mult[s];
                    }
                    default -> {
                        queue = Math.round(queue * r.lognormal(0, 1));
                        pending = Math.round(pending * r.lognormal(0, 1));
                        committed = Math.round(committed * r.lognormal(0, 1));
                        p50 *= r.lognormal(0, 1);
                        p95 = p50 * r.uniform(1.7, 2.1) * r.lognormal(0, 1);
                        p99 = p95 * r.lognormal(0, 1);
                        leader = r.nextInt(0, 6);
                        active = r.nextInt(quorum - 1, n);
                    }
                }
            }
            rows[s] = new double[] {queue, pending, committed, p50, p95, p99, leader, quorum, active, tier, mode, ctype};
        }
        return new ConsensusSeries(id, rows, anomaly);
    }
}

package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.LinkType;

import java.util.SplittableRandom;

/**
 * Synthetic transfer contexts in {@code Schemas.COMPRESSION} order (bandwidth_mbps, rtt_ms, link_type,
 * payload_bytes, entropy_bits_per_byte, cpu_usage). Link type uniform over DC/METRO/WAN/EDGE; bandwidth
 * log-uniform per type (DC 1–40 Gbit/s, METRO 0.1–10 Gbit/s, WAN 5–1000 Mbit/s, EDGE 1–100 Mbit/s); RTT
 * uniform per type (DC 0.1–1 ms, METRO 1–10, WAN 20–200, EDGE 10–100); payload log-uniform 64 KiB–1 GiB;
 * entropy uniform over the measured profile's range; cpu_usage uniform 0–0.95. Deterministic per seed.
 */
public final class CompressionConditions {
    private CompressionConditions() {}

    public static double[][] generate(int n, double minEntropy, double maxEntropy, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            LinkType t = LinkType.values()[r.nextInt(4)];
            double[] bw = switch (t) {
                case DC -> new double[] {1000, 40000};
                case METRO -> new double[] {100, 10000};
                case WAN -> new double[] {5, 1000};
                case EDGE -> new double[] {1, 100};
            };
            double[] rtt = switch (t) {
                case DC -> new double[] {0.1, 1};
                case METRO -> new double[] {1, 10};
                case WAN -> new double[] {20, 200};
                case EDGE -> new double[] {10, 100};
            };
            double b = Math.exp(Math.log(bw[0]) + r.nextDouble() * (Math.log(bw[1]) - Math.log(bw[0])));
            double rt = rtt[0] + r.nextDouble() * (rtt[1] - rtt[0]);
            double payload = Math.exp(Math.log(65536) + r.nextDouble() * (Math.log(1 << 30) - Math.log(65536)));
            double ent = minEntropy + r.nextDouble() * (maxEntropy - minEntropy);
            double cpu = r.nextDouble() * 0.95;
            out[i] = new double[] {b, rt, t.ordinal(), Math.rint(payload), ent, cpu};
        }
        return out;
    }
}

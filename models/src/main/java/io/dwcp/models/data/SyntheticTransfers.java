package io.dwcp.models.data;

import io.dwcp.models.features.Schemas;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The transfer contexts the agent's demo simulator sends ({@code agent/.../demo/Simulator}), defined once so
 * the simulator and the compression model's evaluation draw the same distribution (issue 15, item 2b): the
 * link's current bandwidth and latency (as RTT) from a {@link SyntheticLinks} series, its link type, a 64 MiB
 * payload, entropy uniform 1–8 bits/byte and CPU load uniform 0.2–0.7 (drawn in that order from the caller's
 * random source). Rows in {@link Schemas#COMPRESSION} order. Stateless; thread-safe.
 */
public final class SyntheticTransfers {
    private SyntheticTransfers() {}

    public static final long DEMO_PAYLOAD_BYTES = 64L << 20;

    /** The context of a transfer on {@code link} at step {@code t}; draws entropy then CPU from {@code rnd}. */
    public static double[] context(LinkSeries link, int t, SplittableRandom rnd) {
        double[] r = link.rows()[t];
        double entropy = 1 + 7 * rnd.nextDouble();
        double cpu = 0.2 + 0.5 * rnd.nextDouble();
        return new double[] {r[0], r[1], link.linkType().ordinal(), DEMO_PAYLOAD_BYTES, entropy, cpu};
    }

    /** {@code n} contexts from {@code links} generated series of {@code steps} steps, at random links and steps. */
    public static double[][] demo(int n, int links, int steps, long seed) {
        List<LinkSeries> series = SyntheticLinks.generate(links, steps, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) out[i] = context(series.get(r.nextInt(links)), r.nextInt(steps), r);
        return out;
    }
}

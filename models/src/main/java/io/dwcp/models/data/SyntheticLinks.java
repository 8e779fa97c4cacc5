package io.dwcp.models.data;

import io.dwcp.models.features.Schemas.LinkType;

import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic DWCP link telemetry as time series (not i.i.d. rows), for the bandwidth forecaster.
 *
 * <p>Distributions (documented so reports can be read against them):
 * <ul>
 *   <li>Step 60 s. Each link starts at a uniformly random hour of a random weekday.</li>
 *   <li>Baselines by link type (bandwidth Mbit/s, RTT ms, loss ratio, jitter ms): DC 9000 / 0.5 / 1e-4 /
 *       0.05; METRO 1000 / 5 / 5e-4 / 0.5; WAN 200 / 60 / 2e-3 / 5. EDGE is not generated. Each link
 *       multiplies its baselines by lognormal(0, 0.3).</li>
 *   <li>Daily cycle: utilisation {@code u = 0.35 + 0.25 sin(2π(h-9)/24)} on weekdays, 60% of that at
 *       weekends; available bandwidth {@code = base (1 - 0.5 u)}; RTT {@code × (1 + 0.3 u)}.</li>
 *   <li>Congestion episodes: on average one per 36 h per link, duration uniform 20–120 steps, depth
 *       uniform 0.3–0.7, raised-cosine onset and release over 10 steps. During an episode bandwidth
 *       {@code × (1 - depth·e)}, RTT {@code × (1 + 2 depth·e)}, loss {@code × (1 + 20 depth·e)}, jitter
 *       {@code × (1 + 4 depth·e)} where {@code e} is the 0..1 envelope.</li>
 *   <li>Measurement noise: multiplicative AR(1) in log space, φ = 0.8, stationary σ = 0.02 (bandwidth),
 *       0.03 (RTT), 0.15 (loss), 0.08 (jitter).</li>
 * </ul>
 * Deterministic for a given seed. Thread-safe (no shared state).
 */
public final class SyntheticLinks {
    private SyntheticLinks() {}

    public static final double STEP_SECONDS = 60;

    /** {@code links} links of {@code steps} steps each, cycling DC, METRO, WAN. */
    public static List<LinkSeries> generate(int links, int steps, long seed) {
        Rng root = new Rng(seed);
        List<LinkSeries> out = new ArrayList<>();
        LinkType[] types = {LinkType.DC, LinkType.METRO, LinkType.WAN};
        for (int l = 0; l < links; l++) {
            out.add(link("link-" + l, types[l % 3], steps, root.split()));
        }
        return out;
    }

    static LinkSeries link(String id, LinkType type, int steps, Rng r) {
        double bw0, rtt0, loss0, jit0;
        switch (type) {
            case DC -> { bw0 = 9000; rtt0 = 0.5; loss0 = 1e-4; jit0 = 0.05; }
            case METRO -> { bw0 = 1000; rtt0 = 5; loss0 = 5e-4; jit0 = 0.5; }
            default -> { bw0 = 200; rtt0 = 60; loss0 = 2e-3; jit0 = 5; }
        }
        bw0 *= r.lognormal(0, 0.3);
        rtt0 *= r.lognormal(0, 0.3);
        loss0 *= r.lognormal(0, 0.3);
        jit0 *= r.lognormal(0, 0.3);
        double startHour = r.uniform(0, 24);
        int startDay = r.nextInt(7);
        double[] env = new double[steps];
        double[] depth = new double[steps];
        boolean[] cong = new boolean[steps];
        int t = (int) r.exponential(36 * 60);
        while (t < steps) {
            int dur = r.nextInt(20, 120);
            double d = r.uniform(0.3, 0.7);
            for (int k = 0; k < dur + 20 && t + k < steps; k++) {
                double e;
                if (k < 10) e = 0.5 - 0.5 * Math.cos(Math.PI * k / 10.0);
                else if (k < dur + 10) e = 1;
                else e = 0.5 + 0.5 * Math.cos(Math.PI * (k - dur - 10) / 10.0);
                if (e > env[t + k]) {
                    env[t + k] = e;
                    depth[t + k] = d;
                }
                cong[t + k] = e > 0.5;
            }
            t += dur + 20 + (int) r.exponential(36 * 60);
        }
        double[] ar = new double[4];
        double[] sig = {0.02, 0.03, 0.15, 0.08};
        double phi = 0.8;
        double[][] rows = new double[steps][6];
        for (int s = 0; s < steps; s++) {
            double hours = startHour + s * STEP_SECONDS / 3600.0;
            double hod = hours % 24;
            int dow = (int) ((startDay + Math.floor(hours / 24)) % 7);
            double u = 0.35 + 0.25 * Math.sin(2 * Math.PI * (hod - 9) / 24);
            if (dow >= 5) u *= 0.6;
            for (int k = 0; k < 4; k++) {
                ar[k] = phi * ar[k] + sig[k] * Math.sqrt(1 - phi * phi) * r.normal();
            }
            double de = depth[s] * env[s];
            double bw = bw0 * (1 - 0.5 * u) * (1 - de) * Math.exp(ar[0]);
            double rtt = rtt0 * (1 + 0.3 * u) * (1 + 2 * de) * Math.exp(ar[1]);
            double loss = Math.min(1, loss0 * (1 + 20 * de) * Math.exp(ar[2]));
            double jit = jit0 * (1 + 4 * de) * Math.exp(ar[3]);
            rows[s] = new double[] {bw, rtt, loss, jit, hod, dow};
        }
        return new LinkSeries(id, type, STEP_SECONDS, rows, cong);
    }
}

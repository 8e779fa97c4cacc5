package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.LinkType;

import java.util.SplittableRandom;

/**
 * Synthetic transfer contexts in {@code Schemas.COMPRESSION} order (bandwidth_mbps, rtt_ms, link_type,
 * payload_bytes, entropy_bits_per_byte, cpu_usage) over the whole documented range of
 * {@link CompressionDomain}: bandwidth and payload log-uniform, RTT, entropy and CPU uniform, link type
 * uniform and independent of the others (the agent is sent any combination). Deterministic per seed.
 */
public final class CompressionConditions {
    private CompressionConditions() {}

    /** Contexts drawn independently and uniformly (log scale for bandwidth and payload) over the whole range. */
    public static double[][] fullRange(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = at(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble());
        }
        return out;
    }

    /**
     * A Latin hypercube sample of the whole range: each of the 6 coordinates is cut into {@code n} equal strata
     * (link type into 4), every stratum is used once, in an independent random order per coordinate.
     */
    public static double[][] latinHypercube(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] u = new double[6][n];
        for (int d = 0; d < 6; d++) {
            int[] perm = permutation(n, r);
            for (int i = 0; i < n; i++) u[d][i] = (perm[i] + r.nextDouble()) / n;
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) out[i] = at(u[0][i], u[1][i], u[2][i], u[3][i], u[4][i], u[5][i]);
        return out;
    }

    /**
     * Training contexts: {@code 1 - boundaryShare} of them uniform over the whole range ({@link #fullRange}),
     * the rest drawn from the same range but kept only when the oracle's best codec beats the runner-up by
     * less than {@code maxMargin} ({@link CodecProfile#margin}): dense sampling near the decision boundaries,
     * where a smooth network needs the examples.
     */
    public static double[][] training(CodecProfile profile, int n, double boundaryShare, double maxMargin, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int near = (int) Math.round(n * boundaryShare);
        double[][] out = new double[n][];
        int i = 0;
        while (i < n - near) out[i++] = at(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble());
        while (i < n) {
            double[] x = at(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble());
            if (profile.margin(x) < maxMargin) out[i++] = x;
        }
        // Shuffle so a prefix (e.g. a --scale'd run) keeps the mix.
        for (int k = n - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            double[] t = out[k];
            out[k] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** The context at unit coordinates {@code u0..u5} (each in [0, 1)). */
    static double[] at(double u0, double u1, double u2, double u3, double u4, double u5) {
        double bw = logUniform(u0, CompressionDomain.MIN_BANDWIDTH_MBPS, CompressionDomain.MAX_BANDWIDTH_MBPS);
        double rtt = u1 * CompressionDomain.MAX_RTT_MS;
        int type = Math.min(LinkType.values().length - 1, (int) (u2 * LinkType.values().length));
        double payload = Math.rint(logUniform(u3, CompressionDomain.MIN_PAYLOAD_BYTES, CompressionDomain.MAX_PAYLOAD_BYTES));
        double entropy = u4 * CompressionDomain.MAX_ENTROPY;
        return new double[] {bw, rtt, type, payload, entropy, u5};
    }

    private static double logUniform(double u, double lo, double hi) {
        return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int k = n - 1; k > 0; k--) {
            int j = r.nextInt(k + 1);
            int t = p[k];
            p[k] = p[j];
            p[j] = t;
        }
        return p;
    }
}

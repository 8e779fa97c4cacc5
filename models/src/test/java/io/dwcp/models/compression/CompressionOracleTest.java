package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.Codec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The oracle under the bundled profile (issue 15): defined on the edge cases, and the sampling of its domain. */
class CompressionOracleTest {
    private static final CodecProfile P = load();

    private static CodecProfile load() {
        try {
            return CodecProfile.bundled();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Item 6. Before: bandwidth 0 gave infinite times for every codec (and NaN gains downstream). */
    @Test
    void edgeCasesGiveFiniteTimesAndADefinedChoice() {
        double[][] edges = {
            {0, 0, 0, 0, 0, 0}, {0, 10, 2, 1e6, 5, 0.5}, {100, 10, 2, 0, 5, 0.5}, {100, 0, 2, 1, 0, 0},
            {100, 10, 2, 1e6, 0, 1}, {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN},
            {1e12, 1e12, 9, 1e20, 99, 7}, {-5, -1, -1, -10, -3, -2}};
        for (double[] x : edges) {
            double[] t = P.transferSeconds(x);
            for (double v : t) assertTrue(Double.isFinite(v) && v > 0, java.util.Arrays.toString(x) + " -> " + v);
            assertNotNull(P.best(x));
            assertTrue(Double.isFinite(P.margin(x)));
        }
        assertTrue(Double.isFinite(P.transferSeconds(Codec.NONE, 0, 0, 0, 0, 0)));
        // Bandwidth 0 is a stalled link: the choice and the times at 1 kbit/s.
        double[] zero = {0, 0, 0, 1e6, 6, 0.3}, kbit = {CompressionDomain.COST_MIN_BANDWIDTH_MBPS, 0, 0, 1e6, 6, 0.3};
        assertEquals(P.best(kbit), P.best(zero));
        assertArrayEquals(P.transferSeconds(kbit), P.transferSeconds(zero));
    }

    /** The oracle's choice depends on bandwidth, entropy and CPU only (the basis of sampling RTT, payload, link freely). */
    @Test
    void choiceIgnoresRttPayloadAndLinkType() {
        double[][] x = CompressionConditions.fullRange(2000, 7);
        for (double[] r : x) {
            Codec c = P.best(r);
            assertEquals(c, P.best(new double[] {r[0], 0, 0, 1 << 20, r[4], r[5]}), java.util.Arrays.toString(r));
        }
    }

    @Test
    void latinHypercubeUsesEveryStratumOnceWithinTheRange() {
        int n = 400;
        double[][] x = CompressionConditions.latinHypercube(n, 3);
        boolean[] bw = new boolean[n], ent = new boolean[n], cpu = new boolean[n];
        int[] types = new int[4];
        double lbLo = Math.log(CompressionDomain.MIN_BANDWIDTH_MBPS), lbHi = Math.log(CompressionDomain.MAX_BANDWIDTH_MBPS);
        for (double[] r : x) {
            assertArrayEquals(r, CompressionDomain.forModel(r), 1e-9, "inside the trained range");
            bw[(int) ((Math.log(r[0]) - lbLo) / (lbHi - lbLo) * n)] = true;
            ent[(int) (r[4] / 8 * n)] = true;
            cpu[(int) (r[5] * n)] = true;
            types[(int) r[2]]++;
        }
        for (int i = 0; i < n; i++) assertTrue(bw[i] && ent[i] && cpu[i], "stratum " + i);
        for (int t : types) assertEquals(n / 4, t);
    }

    @Test
    void trainingIsDenseNearBoundaries() {
        int n = 2000;
        double[][] x = CompressionConditions.training(P, n, 0.5, 0.05, 5);
        double[][] u = CompressionConditions.fullRange(n, 5);
        assertTrue(near(x) >= n / 2, "at least half within 5 % of a tie: " + near(x));
        assertTrue(near(x) > 2 * near(u), "denser than uniform: " + near(x) + " vs " + near(u));
    }

    private static int near(double[][] x) {
        int k = 0;
        for (double[] r : x) if (P.margin(r) < 0.05) k++;
        return k;
    }
}

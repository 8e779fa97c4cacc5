package io.dwcp.models.serving.arbitration;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-computed interval cases (prior, own quantiles, adaptive tails, confidence) and a coverage check. */
class IntervalCalibratorTest {
    static final ResidualPrior PRIOR = new ResidualPrior(new double[] {0.1, 0.5, 0.9},
            new double[] {Math.log(0.8), 0, Math.log(1.25)});

    @Test
    void withoutHistoryThePriorGivesTheInterval() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 10, 5, 0, 10));
        IntervalCalibrator.Interval i = c.interval("k", 100);
        assertEquals(80, i.lower(), 1e-9);
        assertEquals(125, i.upper(), 1e-9);
        assertEquals(0.45, i.widthRatio(), 1e-12);
        assertEquals(1 - 0.45 / 2, i.confidence(), 1e-12);
        assertTrue(i.fromPrior());
    }

    @Test
    void withHistoryTheKeysOwnQuantilesGiveIt() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 5, 5, 0, 10));
        for (double r : new double[] {-0.2, 0.2, 0, -0.1, 0.1}) c.observe("k", 50, 50 * Math.exp(r));
        // Sorted -0.2 -0.1 0 0.1 0.2; type 7 at 0.1: h = 0.4 -> -0.16; at 0.9: h = 3.6 -> 0.16.
        IntervalCalibrator.Interval i = c.interval("k", 100);
        assertFalse(i.fromPrior());
        assertEquals(100 * Math.exp(-0.16), i.lower(), 1e-9);
        assertEquals(100 * Math.exp(0.16), i.upper(), 1e-9);
        // A sixth residual pushes the oldest (-0.2) out of the window of 5: -0.1 0 0.1 0.2 0.3.
        c.observe("k", 50, 50 * Math.exp(0.3));
        assertEquals(100 * Math.exp(-0.06), c.interval("k", 100).lower(), 1e-9);
        assertEquals(100 * Math.exp(0.26), c.interval("k", 100).upper(), 1e-9);
    }

    @Test
    void aMissMovesThatTailsLevel() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 10, 5, 0.1, 10));
        c.observe("k", 100, 200); // ln 2 > ln 1.25: an upper miss
        // a_hi = 0.1 + 0.1 (0.1 - 1) = 0.01 -> level 0.99 (prior flat beyond 0.9: ln 1.25);
        // a_lo = 0.1 + 0.1 (0.1 - 0) = 0.11 -> prior at 0.11 = ln 0.8 + (0.01 / 0.4)(0 - ln 0.8).
        IntervalCalibrator.Interval i = c.interval("k", 100);
        assertEquals(100 * Math.exp(Math.log(0.8) * (1 - 0.025)), i.lower(), 1e-9);
        assertEquals(125, i.upper(), 1e-9);
    }

    @Test
    void observeWithoutTheForecastUsesTheLastIntervalsPoint() {
        IntervalCalibrator<String> a = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 10, 5, 0.1, 10));
        IntervalCalibrator<String> b = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 10, 5, 0.1, 10));
        a.interval("k", 100);
        a.observe("k", 200);
        a.observe("k", 300); // no interval since: ignored
        b.observe("k", 100, 200);
        assertEquals(1, a.history("k"));
        assertEquals(b.interval("k", 100).lower(), a.interval("k", 100).lower(), 0);
        assertEquals(b.interval("k", 100).upper(), a.interval("k", 100).upper(), 0);
    }

    @Test
    void confidenceIsOneMinusHalfTheRelativeWidth() {
        assertEquals(0.9, IntervalCalibrator.confidence(0.2), 1e-12);
        assertEquals(0.6, IntervalCalibrator.confidence(0.8), 1e-12);
        assertEquals(0, IntervalCalibrator.confidence(3), 0);
        assertEquals(0, IntervalCalibrator.confidence(Double.NaN), 0);
        assertEquals(1 - (1.25 - 0.8) / 2, PRIOR.confidence(0.8), 1e-12);
    }

    @Test
    void coverageIsNominalOnAStationaryLink() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(ResidualPrior.FALLBACK, IntervalCalibrator.DEFAULTS);
        Random r = new Random(7);
        int in = 0, n = 20_000;
        for (int t = 0; t < n; t++) {
            double actual = 100 * Math.exp(0.3 * r.nextGaussian());
            IntervalCalibrator.Interval i = c.interval("k", 100);
            if (actual >= i.lower() && actual <= i.upper()) in++;
            c.observe("k", 100, actual);
        }
        assertEquals(0.8, in / (double) n, 0.02);
    }

    @Test
    void coverageRecoversAfterTheNoiseDoubles() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(ResidualPrior.FALLBACK, IntervalCalibrator.DEFAULTS);
        Random r = new Random(11);
        int in = 0, n = 0;
        for (int t = 0; t < 20_000; t++) {
            double sigma = t < 5_000 ? 0.1 : 0.4;
            double actual = 100 * Math.exp(sigma * r.nextGaussian());
            IntervalCalibrator.Interval i = c.interval("k", 100);
            if (t >= 5_000) {
                n++;
                if (actual >= i.lower() && actual <= i.upper()) in++;
            }
            c.observe("k", 100, actual);
        }
        assertEquals(0.8, in / (double) n, 0.03);
    }

    @Test
    void badInputsAndTheKeyBound() {
        IntervalCalibrator<String> c = new IntervalCalibrator<>(PRIOR, new IntervalCalibrator.Settings(0.8, 10, 5, 0, 2));
        c.observe("a", 0, 10);
        c.observe("a", Double.NaN, 10);
        assertEquals(0, c.history("a"));
        IntervalCalibrator.Interval z = c.interval("a", 0);
        assertEquals(0, z.lower());
        assertEquals(0, z.confidence());
        c.observe("a", 1, 1);
        c.observe("b", 1, 1);
        c.observe("c", 1, 1);
        assertEquals(2, c.keyCount());
        assertEquals(0, c.history("a"));
        assertThrows(IllegalArgumentException.class, () -> new IntervalCalibrator.Settings(1.0, 10, 5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new IntervalCalibrator.Settings(0.8, 10, 11, 0, 1));
    }

    @Test
    void priorRoundTripsThroughMetadataParams() {
        ResidualPrior p = ResidualPrior.fromParams(java.util.Map.of("residual_prior", PRIOR.toParams()));
        assertEquals(PRIOR.quantile(0.3), p.quantile(0.3), 1e-12);
        assertSame(ResidualPrior.FALLBACK, ResidualPrior.fromParams(java.util.Map.of()));
        ResidualPrior s = ResidualPrior.fromSample(new double[] {-1, 0, 1});
        assertEquals(0, s.quantile(0.5), 1e-12);
        assertEquals(-0.8, s.quantile(0.1), 1e-12);
    }

    @Test
    void incrementallySortedResidualsGiveTheQuantilesOfASortedCopy() {
        // The state keeps its residuals sorted as they come and go (issue 16); every quantile must equal the one
        // from sorting the ring afresh, with repeats, both zeros and the clamp values among the residuals.
        Random rnd = new Random(16);
        double[] pool = {-IntervalCalibrator.CLAMP, IntervalCalibrator.CLAMP, 0.0, -0.0, 0.25, -0.25};
        for (int window : new int[] {2, 3, 17, 200}) {
            IntervalCalibrator.State st = new IntervalCalibrator.State(window, 0.1);
            for (int step = 0; step < 5 * window + 50; step++) {
                double r = rnd.nextInt(3) == 0 ? pool[rnd.nextInt(pool.length)] : rnd.nextGaussian() * 0.3;
                st.add(r);
                double[] copy = java.util.Arrays.copyOf(st.ring, st.count);
                java.util.Arrays.sort(copy);
                for (double p : new double[] {0, 0.001, 0.1, 0.5, 0.9, 0.999, 1}) {
                    assertEquals(IntervalCalibrator.quantileSorted(copy, copy.length, p), st.quantile(p), 0.0,
                            "window " + window + " step " + step + " p " + p);
                }
            }
        }
    }
}

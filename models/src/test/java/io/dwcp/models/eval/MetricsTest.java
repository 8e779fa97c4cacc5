package io.dwcp.models.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    @Test
    void regressionMetricsByHand() {
        double[] a = {100, 200, 400};
        double[] p = {110, 180, 400};
        // APE: 10%, 10%, 0% -> mean 6.667, median 10
        assertEquals(20.0 / 3, Metrics.mape(a, p), 1e-12);
        assertEquals(10, Metrics.medianApe(a, p), 1e-12);
        assertEquals(10, Metrics.mae(a, p), 1e-12);
        assertEquals(Math.sqrt((100 + 400) / 3.0), Metrics.rmse(a, p), 1e-12);
        assertEquals(1.0, Metrics.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, Metrics.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
    }

    @Test
    void rocAucByHand() {
        // positives 0.8, 0.4; negatives 0.5, 0.1: pairs (0.8>0.5, 0.8>0.1, 0.4<0.5, 0.4>0.1) -> 3/4
        double[] s = {0.8, 0.4, 0.5, 0.1};
        boolean[] y = {true, true, false, false};
        assertEquals(0.75, Metrics.rocAuc(s, y), 1e-12);
        // a tie between a positive and a negative counts 1/2
        assertEquals(0.5, Metrics.rocAuc(new double[] {0.3, 0.3}, new boolean[] {true, false}), 1e-12);
    }

    @Test
    void averagePrecisionByHand() {
        // sorted desc: 0.8(P) 0.5(N) 0.4(P) 0.1(N): AP = 0.5*1 + 0.5*(2/3)
        double[] s = {0.8, 0.4, 0.5, 0.1};
        boolean[] y = {true, true, false, false};
        assertEquals(0.5 + 1.0 / 3, Metrics.averagePrecision(s, y), 1e-12);
    }

    @Test
    void confusionAndDerivedRates() {
        double[] s = {0.9, 0.7, 0.6, 0.2, 0.1};
        boolean[] y = {true, false, true, true, false};
        Metrics.Confusion c = Metrics.confusion(s, y, 0.6);
        assertEquals(new Metrics.Confusion(2, 1, 1, 1), c);
        assertEquals(2.0 / 3, c.precision(), 1e-12);
        assertEquals(2.0 / 3, c.recall(), 1e-12);
        assertEquals(0.5, c.fpr(), 1e-12);
        assertEquals(2.0 / 3, c.detectionAccuracy(), 1e-12);
        assertArrayEquals(new long[] {1, 1}, c.matrix()[0]);
    }

    @Test
    void rocCurveEndsAtOneOne() {
        List<double[]> roc = Metrics.rocCurve(new double[] {0.8, 0.4, 0.5, 0.1}, new boolean[] {true, true, false, false});
        assertArrayEquals(new double[] {0, 0}, roc.get(0));
        assertArrayEquals(new double[] {1, 1}, roc.get(roc.size() - 1));
    }
}

package io.dwcp.models.serving.arbitration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-computed candidate forecasts, in {@link NaivePredictors#CANDIDATES} order. */
class NaivePredictorsTest {
    // Last value 40; harmonic mean of the last 5 (100, 50, 50, 100, 40): 5 / (0.01 + 0.02 + 0.02 + 0.01 + 0.025) = 58.82...
    static final double[] W = {80, 100, 50, 50, 100, 40};
    static final double HM = 5 / (0.01 + 0.02 + 0.02 + 0.01 + 0.025);

    @Test
    void orderIsModelBaselinesThenCombinations() {
        assertEquals(java.util.List.of("model", "last_value", "harmonic_mean5", "ewma", "median3", "min_model_last"),
                NaivePredictors.CANDIDATES);
    }

    @Test
    void modelAboveBothBaselines() {
        double[] c = NaivePredictors.candidates(90, W);
        assertEquals(90, c[0]);
        assertEquals(40, c[1]);
        assertEquals(HM, c[2], 1e-9);
        // EWMA(0.5) from 80: 90, 70, 60, 80, 60.
        assertEquals(60, c[3], 1e-9);
        assertEquals(HM, c[4], 1e-9, "median of 90, 40, 58.8");
        assertEquals(40, c[5], "never above the last value");
    }

    @Test
    void modelBetweenAndBelow() {
        assertEquals(50, NaivePredictors.candidates(50, W)[4], "median of 50, 40, 58.8");
        assertEquals(40, NaivePredictors.candidates(50, W)[5]);
        assertEquals(40, NaivePredictors.candidates(30, W)[4], "median of 30, 40, 58.8");
        assertEquals(30, NaivePredictors.candidates(30, W)[5]);
    }

    @Test
    void aModelThatIsNotFiniteLeavesTheCombinationsUndefinedAndTheBaselinesIntact() {
        double[] c = NaivePredictors.candidates(Double.NaN, W);
        assertTrue(Double.isNaN(c[0]) && Double.isNaN(c[4]) && Double.isNaN(c[5]));
        assertEquals(40, c[1]);
        assertEquals(HM, c[2], 1e-9);
    }
}

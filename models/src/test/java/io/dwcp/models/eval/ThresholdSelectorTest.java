package io.dwcp.models.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ThresholdSelectorTest {
    @Test
    void recallFirstPicksHighestThresholdMeetingRecallWithinFpr() {
        double[] s = {0.1, 0.2, 0.3, 0.6, 0.7, 0.9};
        boolean[] y = {false, false, false, true, true, true};
        assertEquals(0.6, ThresholdSelector.recallFirst(s, y, 1.0, 0.0), 0);
    }

    @Test
    void recallFirstFallsBackToFprBoundWhenRecallUnreachable() {
        double[] s = {0.1, 0.5, 0.2, 0.9};
        boolean[] y = {false, false, true, true};
        // recall 1 needs t<=0.2 -> fpr 0.5 > 0; the lowest threshold with fpr 0 is 0.9
        assertEquals(0.9, ThresholdSelector.recallFirst(s, y, 1.0, 0.0), 0);
    }

    @Test
    void maxDetectionAccuracySeparatesCleanly() {
        double[] s = {0.1, 0.2, 0.8, 0.9};
        boolean[] y = {false, false, true, true};
        assertEquals(0.8, ThresholdSelector.maxDetectionAccuracy(s, y), 0);
        assertEquals(0.8, ThresholdSelector.maxF1(s, y), 0);
    }
}

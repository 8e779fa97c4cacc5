package io.dwcp.models.serving.arbitration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeArbiterTest {
    static final OnlineArbiter.Settings S = new OnlineArbiter.Settings(5, 2, 0.1, 100);

    /** An ask, then {@code horizon} (3) steps: resolved with the outcome "breached in any of them". */
    static OutcomeArbiter.Selection askAndResolve(OutcomeArbiter<String> a, double pModel, double pTrend, boolean breach) {
        OutcomeArbiter.Selection s = a.select("k", new double[] {pModel, pTrend});
        a.observe("k", false);
        a.observe("k", breach);
        a.observe("k", false);
        return s;
    }

    @Test
    void modelServesUntilEvidenceThenTheLowerBrierWins() {
        OutcomeArbiter<String> a = new OutcomeArbiter<>(List.of("model", "trend"), "model", 3, S);
        // Nothing happens: the model's 0.9 scores 0.81 per ask, the trend's 0.1 scores 0.01.
        assertEquals("model", askAndResolve(a, 0.9, 0.1, false).source());
        assertEquals("model", askAndResolve(a, 0.9, 0.1, false).source());
        assertEquals(0.81, a.recentBrier("k", "model").orElseThrow(), 1e-12);
        assertEquals(0.01, a.recentBrier("k", "trend").orElseThrow(), 1e-12);
        OutcomeArbiter.Selection third = askAndResolve(a, 0.9, 0.1, false);
        assertEquals("trend", third.source());
        assertTrue(third.switched());
        assertEquals(1, a.switches());
    }

    @Test
    void aBreachWithinTheHorizonIsPositive() {
        OutcomeArbiter<String> a = new OutcomeArbiter<>(List.of("model", "trend"), "model", 3, S);
        askAndResolve(a, 0.8, 0.3, true);
        assertEquals(0.04, a.recentBrier("k", "model").orElseThrow(), 1e-12);
        assertEquals(0.49, a.recentBrier("k", "trend").orElseThrow(), 1e-12);
    }

    @Test
    void hysteresisKeepsTheServedOneWhenTheOtherIsOnlySlightlyBetter() {
        OutcomeArbiter<String> a = new OutcomeArbiter<>(List.of("model", "trend"), "model", 3, S);
        for (int i = 0; i < 4; i++) {
            // Brier 0.25 (model) vs 0.2304 (trend): 8 % better, under the 10 % margin.
            assertFalse(askAndResolve(a, 0.5, 0.48, false).switched());
        }
        assertEquals("model", a.current("k"));
    }

    @Test
    void unresolvedAsksAreNotScored() {
        OutcomeArbiter<String> a = new OutcomeArbiter<>(List.of("model", "trend"), "model", 3, S);
        a.select("k", new double[] {0.9, 0.1});
        a.observe("k", false);
        assertTrue(a.recentBrier("k", "model").isEmpty());
    }
}

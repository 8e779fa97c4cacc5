package io.dwcp.models.serving.arbitration;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-computed arbitration cases: default until evidence, hysteresis, rolling window, fallbacks, memory bound. */
class OnlineArbiterTest {
    static final List<String> C = List.of("model", "last_value");

    /** One step: select with the given forecasts, then observe the actual. */
    static OnlineArbiter.Selection step(OnlineArbiter<String> a, String key, double model, double last, double actual) {
        OnlineArbiter.Selection s = a.select(key, new double[] {model, last});
        a.observe(key, actual);
        return s;
    }

    @Test
    void modelServesUntilEveryCandidateHasEvidenceThenTheBetterOneTakesOver() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(5, 3, 0.1, 10));
        // model 10 % off, last value exact: APE 10 and 0.
        for (int i = 0; i < 3; i++) {
            OnlineArbiter.Selection s = step(a, "k", 110, 100, 100);
            assertEquals("model", s.source(), "step " + i);
            assertEquals(110, s.value());
        }
        assertEquals(10.0, a.recentMape("k", "model").orElseThrow(), 1e-12);
        assertEquals(0.0, a.recentMape("k", "last_value").orElseThrow(), 1e-12);
        OnlineArbiter.Selection s = a.select("k", new double[] {110, 100});
        assertEquals("last_value", s.source());
        assertTrue(s.switched());
        assertEquals(0.0, s.recentMape(), 1e-12);
        assertEquals(1, a.switches());
        assertArrayEquals(new long[] {3, 1}, a.servedCounts());
    }

    @Test
    void hysteresisNeedsTheMarginToSwitch() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(4, 4, 0.1, 10));
        // model APE 10, last value APE 9.5: 9.5 is not below 0.9 * 10 = 9, so the model keeps serving.
        for (int i = 0; i < 4; i++) step(a, "k", 110, 109.5, 100);
        assertEquals("model", a.select("k", new double[] {110, 109.5}).source());
        a.observe("k", 100);
        // Four steps of last value APE 8.5: window mean 8.5 < 9 -> switch.
        for (int i = 0; i < 4; i++) step(a, "k", 110, 108.5, 100);
        assertEquals(8.5, a.recentMape("k", "last_value").orElseThrow(), 1e-9);
        assertEquals("last_value", a.select("k", new double[] {110, 108.5}).source());
    }

    @Test
    void leavingTheDefaultNeedsItsOwnMarginComingBackOnlyTheOrdinaryOne() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(4, 4, 0.1, 0.2, 10));
        // model APE 10, last value APE 8.5: below 0.9 * 10 but not below 0.8 * 10 = 8, so the model keeps serving.
        for (int i = 0; i < 4; i++) step(a, "k", 110, 108.5, 100);
        assertEquals("model", a.select("k", new double[] {110, 108.5}).source());
        a.observe("k", 100);
        // last value APE 7.5 < 8: it takes over.
        for (int i = 0; i < 4; i++) step(a, "k", 110, 107.5, 100);
        assertEquals("last_value", a.select("k", new double[] {110, 107.5}).source());
        a.observe("k", 100);
        // Back to the model: model APE 6.5 < 0.9 * 7.5 = 6.75 is enough (the ordinary margin).
        for (int i = 0; i < 4; i++) step(a, "k", 106.5, 107.5, 100);
        assertEquals("model", a.select("k", new double[] {106.5, 107.5}).source());
        assertEquals(2, a.switches());
    }

    @Test
    void theWindowForgetsOldErrors() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(2, 1, 0.0, 10));
        step(a, "k", 150, 100, 100); // model 50, last 0
        step(a, "k", 100, 120, 100); // model 0, last 20
        assertEquals(25.0, a.recentMape("k", "model").orElseThrow(), 1e-12);
        assertEquals(10.0, a.recentMape("k", "last_value").orElseThrow(), 1e-12);
        step(a, "k", 100, 120, 100); // the 50 leaves the window of 2
        assertEquals(0.0, a.recentMape("k", "model").orElseThrow(), 1e-12);
        assertEquals(20.0, a.recentMape("k", "last_value").orElseThrow(), 1e-12);
    }

    @Test
    void zeroActualsAreNotScoredAndKeysAreIndependent() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(5, 1, 0.1, 10));
        step(a, "a", 110, 100, 0);
        assertTrue(a.recentMape("a", "model").isEmpty());
        step(a, "a", 110, 100, 100);
        assertTrue(a.recentMape("b", "model").isEmpty());
        assertEquals("model", a.current("b"));
        assertEquals("last_value", a.select("a", new double[] {1, 1}).source());
    }

    @Test
    void aNonFiniteServedForecastFallsBackToAFiniteOneAndScoresTheCap() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(5, 1, 0.1, 10));
        OnlineArbiter.Selection s = a.select("k", new double[] {Double.NaN, 100});
        assertEquals("last_value", s.source());
        assertEquals(100, s.value());
        a.observe("k", 100);
        assertEquals(OnlineArbiter.APE_CAP, a.recentMape("k", "model").orElseThrow(), 1e-12);
        OnlineArbiter.Selection none = a.select("k", new double[] {Double.NaN, Double.NaN});
        assertEquals("none", none.source());
        assertTrue(Double.isNaN(none.value()));
    }

    @Test
    void keysAreBoundedLeastRecentlyUsedFirst() {
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", new OnlineArbiter.Settings(5, 1, 0.1, 2));
        a.select("a", new double[] {1, 1});
        a.select("b", new double[] {1, 1});
        a.select("a", new double[] {1, 1});
        a.select("c", new double[] {1, 1});
        assertEquals(2, a.keyCount());
        assertEquals(1, a.evictions());
        assertEquals(List.of("a", "c"), a.keys());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new OnlineArbiter.Settings(0, 0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new OnlineArbiter.Settings(5, 6, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new OnlineArbiter.Settings(5, 1, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new OnlineArbiter.Settings(5, 1, 0.1, -0.1, 1));
        assertEquals(0.1, new OnlineArbiter.Settings(5, 1, 0.1, 1).leaveDefaultMargin(), "one margin unless given two");
        assertThrows(IllegalArgumentException.class, () -> new OnlineArbiter<>(C, "ewma", OnlineArbiter.DEFAULTS));
        OnlineArbiter<String> a = new OnlineArbiter<>(C, "model", OnlineArbiter.DEFAULTS);
        assertThrows(IllegalArgumentException.class, () -> a.select("k", new double[] {1}));
    }
}

package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AccuracyTrackerTest {
    @Test
    void knownSeries() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        AccuracyTracker t = new AccuracyTracker(10, reg);
        t.actual("a", 100); // no forecast yet: nothing scored
        assertTrue(Double.isNaN(t.mape()));
        t.forecast("a", 110);
        t.actual("a", 100); // +10 %
        assertEquals(0.10, t.mape(), 1e-12);
        assertEquals(0.10, t.bias(), 1e-12);
        t.forecast("a", 90);
        t.actual("a", 100); // -10 %
        assertEquals(0.10, t.linkMape("a"), 1e-12, "|err| stays 10 %");
        assertEquals(0.10 + AccuracyTracker.ALL_ALPHA * (-0.10 - 0.10), t.bias(), 1e-12, "bias moves toward -10 %");
        assertEquals(t.bias(), reg.get("dwcp.forecast.bias").gauge().value(), 1e-12);
        t.actual("a", 100); // forecast consumed: not scored twice
        assertEquals(2, reg.get("dwcp.forecast.evaluated").counter().count());
        t.publish();
        assertEquals(0.10, reg.get("dwcp.forecast.link.mape").tag("link", "a").gauge().value(), 1e-12);
    }

    @Test
    void boundedLinks() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        AccuracyTracker t = new AccuracyTracker(1, reg);
        t.forecast("a", 1);
        t.forecast("b", 1);
        assertEquals(1, reg.get("dwcp.forecast.untracked").counter().count());
        t.remove("a");
        t.forecast("b", 1);
        assertEquals(1, reg.get("dwcp.forecast.untracked").counter().count());
    }
}

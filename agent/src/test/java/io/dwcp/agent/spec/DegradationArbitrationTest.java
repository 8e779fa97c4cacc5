package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.predict.DegradationInput;
import io.dwcp.agent.predict.DegradationVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.models.data.DegradationSeries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per link, the trend serves once the model has scored worse on what the link actually did (issue 19). */
class DegradationArbitrationTest {
    static final DegradationSeries.Slo SLO = new DegradationSeries.Slo(200, 10, 0.02);

    /** A model that always cries wolf. */
    static final Predictor<DegradationInput, DegradationVerdict> WOLF = new Predictor<>() {
        @Override public String name() { return "wolf"; }
        @Override public String version() { return "1"; }
        @Override public List<DegradationVerdict> predictBatch(List<DegradationInput> in) { return List.of(); }
    };

    static DegradationVerdict alarm() {
        return new DegradationVerdict(SLO, 0.95, true, 0.5, new double[30], new double[30], new double[30], new double[60], 0.9);
    }

    @Test
    void aModelThatCriesWolfOnAHealthyLinkHandsOverToTheTrend() {
        DegradationArbitration a = new DegradationArbitration(100, new SimpleMeterRegistry());
        float[] healthy = {800, 40, 0.001f, 1, 0, 0};
        float[][] window = new float[60][];
        java.util.Arrays.fill(window, healthy);
        DegradationInput in = new DegradationInput(window, SLO);
        String last = null;
        for (int step = 0; step < 200; step++) {
            a.observe("a->b", healthy, SLO);
            if (step % 5 == 0) {
                DegradationArbitration.Served s = a.serve("a->b", in, alarm(), WOLF, true);
                if (step < 60) {
                    assertEquals("model", s.source(), "the model serves until both have 10 scored forecasts");
                }
                last = s.source();
            }
        }
        assertEquals("trend", last);
        DegradationArbitration.Served now = a.serve("a->b", in, alarm(), WOLF, false);
        assertEquals("trend", now.source());
        assertTrue(now.recentBrier() < 0.05, "the trend's Brier on a healthy link: " + now.recentBrier());
        assertEquals("baseline-trend/1", now.modelVersion());
        assertEquals("model", a.serve(null, in, alarm(), WOLF, true).source(), "a bare window is the model's");
    }

    @Test
    void withNoTrainedModelTheTrendServesAsItselfAndNothingIsArbitrated() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DegradationArbitration a = new DegradationArbitration(100, registry);
        io.dwcp.agent.predict.TrendDegradationForecaster trend = new io.dwcp.agent.predict.TrendDegradationForecaster();
        float[][] window = new float[60][];
        java.util.Arrays.fill(window, new float[] {800, 40, 0.001f, 1, 0, 0});
        DegradationInput in = new DegradationInput(window, SLO);
        DegradationVerdict v = trend.predictBatch(List.of(in)).get(0);
        DegradationArbitration.Served s = a.serve("a->b", in, v, trend, true);
        assertEquals("trend", s.source());
        assertEquals(null, s.recentBrier(), "no scores: there was no second opinion to score");
        assertEquals("trend", a.serve(null, in, v, trend, true).source(), "a bare window too");
        assertEquals(2.0, registry.get("dwcp.degradation.served").tag("source", "trend").counter().count());
    }
}

package io.dwcp.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Predictors side by side under the protocol, with a bootstrap over whole series. */
class DegradationComparisonTest {
    /** A predictor that knows the future of {@link DegradationProtocolTest#series()}: it warns 30..10 steps ahead. */
    static DegradationProtocol.Predictor oracle() {
        return (windows, slos) -> {
            DegradationProtocol.Judgement[] out = new DegradationProtocol.Judgement[windows.length];
            for (int i = 0; i < windows.length; i++) {
                int last = Math.round((windows[i][windows[i].length - 1][0] % 1) * 1000);
                boolean warn = last >= 123 && last < 150;
                out[i] = new DegradationProtocol.Judgement(warn ? 0.9 : 0.1, warn);
            }
            return out;
        };
    }

    @Test
    void anOracleBeatsTheBaselinesAndTheBootstrapBracketsTheFigures() {
        List<double[]> series = new ArrayList<>();
        for (int k = 0; k < 6; k++) series.add(DegradationProtocolTest.series());
        List<DegradationComparison.Entry> entries = List.of(
                new DegradationComparison.Entry("model", oracle(), true, true),
                new DegradationComparison.Entry("trend", DegradationProtocol.trend(), true, true),
                new DegradationComparison.Entry("distance_to_floor", DegradationProtocol.distanceToFloor(), false, false));
        Map<String, Object> s = DegradationComparison.summarise(DegradationComparison.run(series, 0.4, entries), 50, 1);
        assertEquals(6, s.get("events"));
        Map<?, ?> m = (Map<?, ?>) s.get("model");
        assertEquals(1.0, (Double) m.get("roc_auc"), 1e-12);
        assertEquals(1.0, (Double) m.get("early_detection"), 1e-12);
        assertEquals(0.0, (Double) m.get("false_warning_rate"), 1e-12);
        // Scores 0.9 on the 6 positives, 0.1 on the rest: Brier = 0.01.
        assertEquals(0.01, (Double) m.get("brier"), 1e-12);
        assertTrue((Double) s.get("auc_gain_vs_trend") > 0);
        Map<?, ?> b = (Map<?, ?>) s.get("bootstrap");
        List<?> auc = (List<?>) b.get("auc_model");
        // Identical series: every resample gives the same figures.
        assertEquals(1.0, (Double) auc.get(0), 1e-12);
        assertEquals(1.0, (Double) auc.get(2), 1e-12);
        assertEquals((Double) s.get("auc_gain_vs_distance"), (Double) ((List<?>) b.get("auc_gain_vs_distance")).get(1), 1e-12);
    }

    @Test
    void reliabilityBinsMeanPredictionAgainstObservedShare() {
        DegradationProtocol.Asks a = new DegradationProtocol.Asks(new double[] {0.05, 0.05, 0.95, 0.91},
                new boolean[4], new boolean[] {false, true, true, true}, 0, 0, List.of());
        List<double[]> r = DegradationComparison.reliability(a);
        assertEquals(2, r.size());
        assertEquals(0.05, r.get(0)[0], 1e-12);
        assertEquals(0.5, r.get(0)[1], 1e-12);
        assertEquals(0.93, r.get(1)[0], 1e-12);
        assertEquals(1.0, r.get(1)[1], 1e-12);
        assertEquals(2, r.get(1)[2], 0);
    }
}

package io.dwcp.models.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.models.data.DegradationSeries.Slo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The issue-19 protocol on a series worked out by hand. */
class DegradationProtocolTest {
    /**
     * About 10 Mbit/s for 150 steps, about 1 for 20, about 10 again to 220 (each step + t/1000, so every window
     * is unique and a predictor can tell where it is). Floor: 40 % of the median ≈ 4.04. The 5-step mean first
     * falls below it at step 153 (at 152 it is 4.75) and last at 170: one event, at 153. Asks end at steps 59,
     * 64, ..., skipping 154..169 (already breaching); positive (a breach within 30 steps): asks ending 124..149.
     */
    static double[] series() {
        double[] v = new double[220];
        for (int t = 0; t < v.length; t++) {
            v[t] = (t >= 150 && t < 170 ? 1 : 10) + t / 1000.0;
        }
        return v;
    }

    @Test
    void eventsEarlyDetectionFalseWarningsAndAuc() {
        double[] s = series();
        Map<Float, Integer> step = new HashMap<>();
        for (int t = 0; t < s.length; t++) {
            step.put((float) s[t], t);
        }
        // Warns at the asks ending 134, 139, 144, 149: two of them 10..30 steps before the event.
        DegradationProtocol.Asks a = DegradationProtocol.run(List.of(s), 0.4, (windows, slos) -> {
            DegradationProtocol.Judgement[] out = new DegradationProtocol.Judgement[windows.length];
            for (int i = 0; i < windows.length; i++) {
                int last = step.get(windows[i][windows[i].length - 1][0]);
                boolean warn = last >= 130 && last < 150;
                out[i] = new DegradationProtocol.Judgement(warn ? 1 : 0, warn);
            }
            return out;
        });
        assertEquals(1, a.events());
        assertEquals(1.0, a.earlyDetection());
        assertEquals(0.0, a.falseWarningRate());
        int positives = 0;
        for (boolean b : a.positive()) {
            positives += b ? 1 : 0;
        }
        assertEquals(6, positives);
        // 4 of the 6 positives score 1 and every negative 0: AUC = (4 + 2 × 0.5) / 6.
        assertEquals(5.0 / 6, a.rocAuc(), 1e-12);
        // Asks: ends 59..149 (19) and 174..219 (10); the 4 ending 154..169 are skipped (already breaching).
        assertEquals(19 + 10, a.scores().length);
    }

    @Test
    void distanceToFloorIsTheFloorOverTheLastFiveMean() {
        float[][] w = DegradationProtocol.rows(series(), 90, 150);
        double mean = 0;
        for (int t = 145; t < 150; t++) {
            mean += series()[t] / 5;
        }
        DegradationProtocol.Judgement j = DegradationProtocol.distanceToFloor()
                .judge(new float[][][] {w}, new Slo[] {new Slo(1e5, 4, 0.5)})[0];
        assertEquals(4 / mean, j.score(), 1e-6);
    }

    @Test
    void concatenatedAsksKeepEveryEventPointingAtItsOwnAsks() {
        DegradationProtocol.Predictor ramp = (windows, slos) -> {
            DegradationProtocol.Judgement[] out = new DegradationProtocol.Judgement[windows.length];
            for (int i = 0; i < windows.length; i++) {
                float last = windows[i][windows[i].length - 1][0];
                out[i] = new DegradationProtocol.Judgement(last - Math.floor(last), false); // t/1000: later = riskier
            }
            return out;
        };
        List<DegradationProtocol.Asks> per = DegradationProtocol.perSeries(List.of(series(), series()), 0.4, ramp);
        DegradationProtocol.Asks both = DegradationProtocol.Asks.concat(per);
        DegradationProtocol.Asks pooled = DegradationProtocol.run(List.of(series(), series()), 0.4, ramp);
        assertEquals(2, both.events());
        assertEquals(pooled.scores().length, both.scores().length);
        assertEquals(pooled.rocAuc(), both.rocAuc(), 1e-12);
        assertEquals(pooled.earlyDetectionAt(0.1), both.earlyDetectionAt(0.1), 1e-12);
        for (int e = 0; e < 2; e++) {
            assertEquals(List.of(pooled.eventAsks().get(e)[0]), List.of(both.eventAsks().get(e)[0]));
        }
        // Brier of a score that is always 0: the share of positive asks.
        DegradationProtocol.Asks zero = new DegradationProtocol.Asks(new double[both.scores().length], both.warns(),
                both.positive(), both.events(), 0, both.eventAsks());
        int pos = 0;
        for (boolean b : both.positive()) {
            pos += b ? 1 : 0;
        }
        assertEquals((double) pos / both.scores().length, zero.brier(), 1e-12);
    }
}

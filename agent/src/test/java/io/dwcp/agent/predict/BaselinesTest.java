package io.dwcp.agent.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    static float[][] window(double... bw) {
        float[][] w = new float[bw.length][6];
        for (int i = 0; i < bw.length; i++) {
            w[i] = new float[] {(float) bw[i], 10, 0.01f, 1, 12, 3};
        }
        return w;
    }

    @Test
    void harmonicMeanOfLastFive() {
        BandwidthForecast f = new BaselineForecaster(BaselineForecaster.Kind.HARMONIC_MEAN_5)
                .predict(window(1000, 1000, 100, 200, 400, 400, 800));
        // 5 / (1/100 + 1/200 + 1/400 + 1/400 + 1/800) = 5 / 0.02125
        assertEquals(235.294, f.bandwidthMbps(), 1e-3);
        assertEquals(10, f.latencyMs(), 1e-6);
    }

    @Test
    void lastValueAndEwma() {
        float[][] w = window(100, 200);
        assertEquals(200, new BaselineForecaster(BaselineForecaster.Kind.LAST_VALUE).predict(w).bandwidthMbps(), 1e-6);
        assertEquals(130, new BaselineForecaster(BaselineForecaster.Kind.EWMA).predict(w).bandwidthMbps(), 1e-4);
    }

    @Test
    void confidenceFallsWithVariability() {
        BaselineForecaster b = new BaselineForecaster(BaselineForecaster.Kind.LAST_VALUE);
        double steady = b.predict(window(100, 101, 99, 100, 100)).confidence();
        double jumpy = b.predict(window(10, 300, 20, 250, 100)).confidence();
        assertTrue(steady > 0.95 && jumpy < 0.3, steady + " vs " + jumpy);
    }

    @Test
    void robustZFlagsSpikeNotNoise() {
        RobustZScoreDetector d = new RobustZScoreDetector(3.5, 8);
        float[][] w = new float[11][2];
        for (int i = 0; i < 10; i++) {
            w[i] = new float[] {10 + (i % 3), 5 + (i % 2)};
        }
        w[10] = new float[] {11, 5};
        assertFalse(d.judge(w).anomaly());
        w[10] = new float[] {11, 50};
        AnomalyVerdict v = d.judge(w);
        assertTrue(v.anomaly());
        assertEquals(1, v.feature());
        assertEquals(50, v.value(), 1e-6);
        assertEquals(5.5, v.expected(), 1e-6); // median of 5,6 alternating
        assertEquals(Severity.EMERGENCY, v.severity());
    }

    @Test
    void tooShortHistoryIsNoVerdict() {
        assertFalse(new RobustZScoreDetector(3.5, 8).judge(new float[3][2]).anomaly());
    }

    @Test
    void analyticSelectorPrefersNoneOnFastLinksAndCompressionOnSlowOnes() {
        AnalyticCompressionSelector s = new AnalyticCompressionSelector();
        // bandwidth, rtt, link_type, payload, entropy, cpu
        assertEquals(0, s.select(new float[] {10_000, 1, 0, 64 << 20, 7.9f, 0.2f}).codec());
        CompressionDecision slow = s.select(new float[] {10, 80, 3, 64 << 20, 3, 0.2f});
        assertTrue(slow.codec() != 0 && slow.expectedGain() > 0.3, slow.toString());
        assertEquals(List.of("none", "lz4", "zstd", "zstd-max", "brotli"),
                List.of(0, 1, 2, 3, 4).stream().map(AnalyticCompressionSelector::codecName).toList());
    }

    @Test
    void severityLadder() {
        assertEquals(Severity.NONE, Severity.ofRatio(0.99));
        assertEquals(Severity.WARNING, Severity.ofRatio(1));
        assertEquals(Severity.CRITICAL, Severity.ofRatio(2));
        assertEquals(Severity.EMERGENCY, Severity.ofRatio(5));
    }
}

package io.dwcp.agent.predict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.serving.CompressionSelector;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 2: a valid transfer record with {@code bandwidth_mbps=0} (or payload 0, entropy 0, RTT 0) made the
 * trained selector's expected gain {@code inf/inf} or {@code 0/0}, streamed as {@code "expected_gain":"NaN"}.
 * Both the trained selector and the analytic baseline must give finite numbers for every edge of the ranges.
 */
class CompressionGainTest {
    // Schemas.COMPRESSION order: bandwidth_mbps, rtt_ms, link_type, payload_bytes, entropy_bits_per_byte, cpu_usage.
    static final List<float[]> EDGES = List.of(
            new float[] {0, 40, 2, 64 << 20, 4.5f, 0.3f},
            new float[] {0, 0, 2, 1, 0, 0},
            new float[] {0, 0, 0, 0, 0, 0},
            new float[] {100, 0, 2, 0, 0, 0},
            new float[] {0, 0, 3, 1L << 40, 8, 1},
            new float[] {1e7f, 1e6f, 3, 1L << 40, 8, 1},
            new float[] {1e7f, 0, 0, 1, 0, 0},
            new float[] {Float.MIN_VALUE, 0, 1, 1, 8, 0.99f});

    static CompressionSelector trained;

    @BeforeAll
    static void load() throws Exception {
        trained = CompressionSelector.loadDefault();
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    @Test
    void trainedSelectorGainIsFiniteAtEveryEdge() {
        CompressionSelector.Choice[] c = trained.select(EDGES.toArray(new float[0][]));
        for (int i = 0; i < c.length; i++) {
            assertTrue(Double.isFinite(c[i].expectedGainVsNone()), "row " + i + ": " + c[i]);
            assertTrue(c[i].expectedGainVsNone() <= 1, "row " + i + ": " + c[i]);
        }
    }

    @Test
    void analyticSelectorGainAndConfidenceAreFiniteAtEveryEdge() {
        for (CompressionDecision d : new AnalyticCompressionSelector().predictBatch(EDGES)) {
            assertTrue(Double.isFinite(d.expectedGain()) && Double.isFinite(d.confidence()), d.toString());
        }
    }
}

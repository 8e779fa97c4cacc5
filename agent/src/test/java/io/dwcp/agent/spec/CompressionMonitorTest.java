package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.predict.AnalyticCompressionSelector;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.CompressionChoice;
import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.registry.ModelSpec;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 15: live agreement, regret and fallbacks per link type, and what the event says about them. */
class CompressionMonitorTest {
    private static final float WAN = 2, EDGE = 3;

    private static String line(Object event) {
        return new String(EventCodec.line(event), StandardCharsets.UTF_8);
    }

    @Test
    void agreementRegretAndFallbacksPerLinkType() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        CompressionMonitor m = new CompressionMonitor(reg);
        m.record(WAN, new CompressionDecision(2, 3, 0.3, 0.9, CompressionDecision.MODEL, 2, 2, 0));
        m.record(WAN, new CompressionDecision(4, 6, 0.35, 0.6, CompressionDecision.MODEL, 2, 4, 0.10));
        m.record(WAN, new CompressionDecision(0, 0, 0.0, 0.1, CompressionDecision.ORACLE, 3, 0, 2.0));
        m.record(EDGE, new CompressionDecision(4, 6, 0.5, 0.9, CompressionDecision.MODEL, 4, 4, 0));
        m.record(9, new CompressionDecision(4, 6, 0.5, 0.9)); // out-of-range link type from a request
        assertEquals(1.0 / 3, reg.get("dwcp.compression.oracle.agreement").tag("link_type", "wan").gauge().value(), 1e-12);
        assertEquals(2.1 / 3, reg.get("dwcp.compression.regret").tag("link_type", "wan").gauge().value(), 1e-12);
        assertEquals(3, reg.get("dwcp.compression.decisions").tag("link_type", "wan").counter().count());
        assertEquals(1, reg.get("dwcp.compression.fallbacks").tag("link_type", "wan").counter().count());
        assertEquals(1.0, reg.get("dwcp.compression.oracle.agreement").tag("link_type", "edge").gauge().value());
        assertEquals(0, reg.get("dwcp.compression.fallbacks").tag("link_type", "edge").counter().count());
        assertEquals(1, reg.get("dwcp.compression.decisions").tag("link_type", "other").counter().count());
        assertThrows(MeterNotFoundException.class, () -> reg.get("dwcp.compression.decisions").tag("link_type", "dc").counter(),
                "a link type never seen has no series");
        assertEquals(3, reg.get("dwcp.compression.decisions").counters().size(), "bounded: one series per link type seen");
    }

    @Test
    void windowForgetsOldDecisions() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        CompressionMonitor m = new CompressionMonitor(reg);
        for (int i = 0; i < CompressionMonitor.WINDOW; i++) {
            m.record(WAN, new CompressionDecision(1, 0, 0.1, 0.5, CompressionDecision.MODEL, 1, 2, 0.5));
        }
        assertEquals(0.0, reg.get("dwcp.compression.oracle.agreement").tag("link_type", "wan").gauge().value());
        for (int i = 0; i < CompressionMonitor.WINDOW; i++) {
            m.record(WAN, new CompressionDecision(2, 3, 0.2, 0.5, CompressionDecision.MODEL, 2, 2, 0));
        }
        assertEquals(1.0, reg.get("dwcp.compression.oracle.agreement").tag("link_type", "wan").gauge().value());
        assertEquals(0.0, reg.get("dwcp.compression.regret").tag("link_type", "wan").gauge().value(), 1e-12);
        assertEquals(2 * CompressionMonitor.WINDOW, reg.get("dwcp.compression.decisions").tag("link_type", "wan").counter().count());
    }

    /** The event names who chose, and the decision is counted once, for streamed events and replies alike. */
    @Test
    void eventCarriesSourceAndIsCounted() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ModelSpec.Serving<float[], CompressionDecision> s = new CompressionSpec().serving(
                new ModelSpec.Context(AgentConfig.from(k -> Optional.empty()), reg));
        Predictor<float[], CompressionDecision> model = new AnalyticCompressionSelector();
        float[] in = {10_000, 1, 0, 64 << 20, 8, 0.9f};
        CompressionChoice c = (CompressionChoice) s.event(null, in,
                new CompressionDecision(0, 0, 0.0, 0.2, CompressionDecision.ORACLE, 3, 0, 4.2), model);
        assertEquals("oracle", c.source());
        assertEquals("none", c.codec_name());
        assertTrue(line(c).contains("\"source\":\"oracle\""), line(c));
        assertEquals(1, reg.get("dwcp.compression.fallbacks").tag("link_type", "dc").counter().count());
        CompressionChoice r = (CompressionChoice) s.reply(null, in, new CompressionDecision(2, 3, 0.1, 0.8), model);
        assertEquals("model", r.source());
        assertEquals(2, reg.get("dwcp.compression.decisions").tag("link_type", "dc").counter().count());
    }

    /**
     * Item 6: bandwidth 0, payload 0 and entropy 0 give finite numbers in every field of the event, whichever
     * predictor decided (before: the baseline's NaN gain at bandwidth 0 went onto the event as is).
     */
    @Test
    void edgeCasesGiveFiniteEvents() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ModelSpec.Serving<float[], CompressionDecision> s = new CompressionSpec().serving(
                new ModelSpec.Context(AgentConfig.from(k -> Optional.empty()), reg));
        AnalyticCompressionSelector baseline = new AnalyticCompressionSelector();
        for (float[] in : List.of(new float[] {0, 0, 0, 0, 0, 0}, new float[] {0, 10, 2, 1 << 20, 6, 0.5f},
                new float[] {100, 10, 2, 0, 6, 0.5f}, new float[] {100, 10, 2, 1 << 20, 0, 0.5f})) {
            CompressionDecision d = baseline.select(in);
            CompressionChoice c = (CompressionChoice) s.event(null, in, d, baseline);
            assertTrue(Double.isFinite(c.expected_gain()) && Double.isFinite(c.confidence()), c.toString());
            assertTrue(c.codec() >= 0 && c.codec() <= 4);
        }
        CompressionChoice nan = (CompressionChoice) s.event(null, new float[6],
                new CompressionDecision(0, 0, Double.NaN, Double.NaN), baseline);
        assertEquals(0.0, nan.expected_gain());
        assertEquals(0.0, nan.confidence());
    }
}

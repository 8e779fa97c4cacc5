package io.dwcp.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 1: the record queue was bounded by count only (65,536), so records with 30 KB ids could hold
 * 4 GB. It is bounded by the records' estimated bytes too; short records still fill it by count.
 */
class QueueBytesTest {
    static MetricRecord link(String node, String peer) {
        return new MetricRecord(Measurement.LINK, node, peer, 1L, new double[] {100, 5, 0, 0});
    }

    @Test
    void theQueueRefusesRecordsBeyondItsByteBound() throws Exception {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of(
                "dwcp.pipeline.queue-capacity", "65536", "dwcp.pipeline.queue-max-bytes", "1MiB").get(k)));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()),
                e -> { }, reg)) { // not started: nothing drains
            String id = "x".repeat(30_000);
            int taken = 0;
            for (int i = 0; i < 1000; i++) {
                if (p.offer(link(id + i, id))) {
                    taken++;
                }
            }
            long per = link(id + 0, id).estimatedBytes();
            assertTrue(per >= 120_000, "a record with two 30,000-char ids is estimated at " + per + " bytes");
            assertEquals((1 << 20) / per, taken, "records taken within 1 MiB");
            assertTrue(reg.get("dwcp.pipeline.queue.bytes").gauge().value() <= 1 << 20);
            assertFalse(p.offer(link(id, id)));
            assertTrue(p.offer(link("a", "b")), "a short record still fits");
        }
        // Short records: the count bound applies first.
        AgentConfig small = AgentConfig.from(k -> Optional.ofNullable(Map.of(
                "dwcp.pipeline.queue-capacity", "100", "dwcp.pipeline.queue-max-bytes", "1MiB").get(k)));
        try (Pipeline p = new Pipeline(small, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()),
                e -> { }, new SimpleMeterRegistry())) {
            int taken = 0;
            for (int i = 0; i < 200; i++) {
                taken += p.offer(link("n" + i, "p")) ? 1 : 0;
            }
            assertEquals(100, taken);
        }
    }
}

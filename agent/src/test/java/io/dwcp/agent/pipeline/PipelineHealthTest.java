package io.dwcp.agent.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A batcher thread killed by a fatal error makes the pipeline unhealthy (so /health says DOWN), naming it. */
@Timeout(60)
class PipelineHealthTest {
    /** Throws a fatal error, which the batcher rethrows and dies of (issue 13: /health stayed UP). */
    static final class Fatal implements Predictor<float[][], BandwidthForecast> {
        @Override public String name() { return "fatal"; }
        @Override public String version() { return "1"; }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> inputs) {
            throw new StackOverflowError("simulated");
        }
    }

    @Test
    void aDeadBatcherIsUnhealthyAndNamed() throws Exception {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of("dwcp.inference.max-queue-delay-micros", "100").get(k)));
        ModelSet models = ModelSet.baselines(BuiltinModels.registry()).with("bandwidth", new Fatal());
        try (Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), models, e -> { }, new SimpleMeterRegistry())) {
            p.start();
            assertTrue(p.isRunning());
            String window = "{\"window\":[" + "[1,1,0,0,1,1],".repeat(9) + "[1,1,0,0,1,1]]}";
            p.submit(new Request("r", "PredictBandwidth", new ObjectMapper().readTree(window), r -> { }));
            // The batcher dies of the error on purpose: Awaitility must not rethrow it here (by default it fails the
            // wait on any uncaught throwable, so this test failed whenever the error came while it was waiting).
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(20)).until(() -> !p.isRunning());
            assertEquals(List.of("bandwidth"), p.deadBatchers());
        }
    }
}

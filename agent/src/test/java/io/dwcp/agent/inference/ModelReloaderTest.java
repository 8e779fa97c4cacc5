package io.dwcp.agent.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ModelReloaderTest {
    /** Forecasts a constant; its version tells which model answered. */
    record Constant(String version, double value, AtomicBoolean closed) implements Predictor<float[][], BandwidthForecast> {
        Constant(String version, double value) {
            this(version, value, new AtomicBoolean());
        }

        @Override
        public String name() {
            return "const";
        }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            if (closed.get()) {
                throw new IllegalStateException("used after close");
            }
            return in.stream().map(w -> new BandwidthForecast(value, 1, 0, 0, 1)).toList();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** Serves whatever the test put in {@code next}. */
    static final class Scripted implements InferenceBackend {
        volatile Predictor<float[][], BandwidthForecast> next;
        volatile boolean corrupt;

        @Override public String name() { return "scripted"; }
        @Override public int rank() { return 1; }
        @Override public boolean gpu() { return false; }
        @Override public boolean isAvailable() { return true; }
        @Override public String unavailabilityCause() { return null; }

        @Override
        public Loaded load(Path dir) {
            ModelSet b = ModelSet.baselines(BuiltinModels.registry());
            if (corrupt) {
                return new Loaded(b, List.of("bandwidth: forest.bin truncated"), Set.of("bandwidth"));
            }
            return new Loaded(b.with("bandwidth", next), List.of(), Set.of());
        }
    }

    @Test
    void corruptVersionRejectedValidVersionSwappedWhileRequestsFlow() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of("dwcp.inference.max-queue-delay-micros", "100").get(k)));
        Scripted backend = new Scripted();
        Constant v1 = new Constant("1", 100);
        backend.next = v1;
        EventSink none = e -> { };
        try (Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), backend.load(null).models(), none, reg);
             ModelReloader r = new ModelReloader(backend, null, p, 200, reg)) {
            p.start();
            ObjectMapper m = new ObjectMapper();
            String window = "{\"window\":[" + "[1,1,0,0,1,1],".repeat(9) + "[1,1,0,0,1,1]]}";
            ConcurrentLinkedQueue<Request.Reply> replies = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    try {
                        p.submit(new Request("r" + i++, "PredictBandwidth", m.readTree(window), replies::add));
                        Thread.sleep(1);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            traffic.start();
            Thread.sleep(200);

            backend.corrupt = true;
            assertEquals(List.of(), r.reloadNow());
            assertEquals(1, reg.get("dwcp.model.reloads").tag("result", "rejected").counter().count());
            assertEquals("1", p.models().get(BuiltinModels.BANDWIDTH).version(), "old model keeps serving");

            backend.corrupt = false;
            backend.next = new Constant("2", 200);
            assertEquals(1, r.reloadNow().size());
            assertEquals("2", p.models().get(BuiltinModels.BANDWIDTH).version());
            Thread.sleep(500);
            stop.set(true);
            traffic.join();
            Thread.sleep(300);
            assertTrue(v1.closed().get(), "replaced model closed after the grace period");

            List<Double> seen = new ArrayList<>();
            int errors = 0;
            for (Request.Reply rep : replies) {
                if (rep.errorCode() != null) {
                    errors++;
                } else {
                    seen.add(((io.dwcp.agent.protocol.BandwidthPrediction) rep.result()).predicted_bandwidth_mbps());
                }
            }
            assertEquals(0, errors, "no request failed across the reloads");
            assertTrue(seen.contains(100.0) && seen.contains(200.0), "both versions answered");
            assertEquals(200.0, seen.get(seen.size() - 1));
        }
    }
}

package io.dwcp.agent.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.protocol.DegradationForecast;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestCodec;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The degradation forecast through the pipeline with the trend baseline: the {@code PredictDegradation}
 * request (by link and by window, with an SLO override), the streamed events' policy (on warning changes
 * and every {@code stream-every} windows), the codec's wire form, and request parsing.
 */
@Timeout(60)
class DegradationRequestTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static AgentConfig config(Map<String, String> m) {
        return AgentConfig.from(k -> Optional.ofNullable(m.get(k)));
    }

    /** A link at 40 ms / 800 Mbit/s whose latency ramps 2 ms per sample from sample {@code rampFrom}. */
    static MetricRecord sample(int t, int rampFrom) {
        double lat = 40 + (t >= rampFrom ? 2.0 * (t - rampFrom) : 0) + (t % 3) * 0.3;
        return new MetricRecord(Measurement.LINK, "n1", "p1", 1_700_000_000_000L + 1000L * t,
                new double[] {800 + (t % 5), lat, 0.001, 1});
    }

    static JsonNode ask(Pipeline p, String line) throws Exception {
        RequestCodec.Parsed parsed = RequestCodec.parse(line, p.methods());
        RequestCodec.Inference inf = assertInstanceOf(RequestCodec.Inference.class, parsed);
        CompletableFuture<Request.Reply> reply = new CompletableFuture<>();
        p.submit(new Request(inf.id(), inf.method(), inf.params(), reply::complete));
        Request.Reply r = reply.get(20, TimeUnit.SECONDS);
        if (r.errorCode() != null) {
            return JSON.createObjectNode().put("error", r.errorCode()).put("message", r.message());
        }
        return JSON.readTree(EventCodec.line((Event) r.result()));
    }

    @Test
    void streamedOnWarningChangesAndPeriodicallyAndAnsweredOnRequest() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        AgentConfig cfg = config(Map.of("dwcp.degradation.stream-every", "20", "dwcp.degradation.slo-latency-ms", "100",
                "dwcp.degradation.every", "1"));
        Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()), events::add, new SimpleMeterRegistry());
        p.start();
        try {
            for (int t = 0; t < 100; t++) {
                p.offer(sample(t, 1000)); // steady
            }
            awaitDegradation(events, 2, true);
            // 41 full windows (samples 59..99): the first forecast, then one every 20 windows.
            List<DegradationForecast> d = degradation(events);
            assertEquals(3, d.size(), d.toString());
            assertFalse(d.get(0).is_degrading());
            assertEquals("n1", d.get(0).node_id());
            assertEquals(30, d.get(0).horizon_steps());
            assertEquals(30, d.get(0).forecast_latency_ms().length);
            assertEquals(100, d.get(0).slo().latency_ms(), 0);

            JsonNode ok = ask(p, "{\"id\":\"1\",\"method\":\"PredictDegradation\",\"params\":{\"node_id\":\"n1\",\"peer_id\":\"p1\"}}");
            assertEquals("degradation_forecast", ok.path("type").asText());
            assertFalse(ok.path("is_degrading").asBoolean(), ok.toString());
            assertEquals(40, ok.path("forecast_latency_ms").get(9).asDouble(), 3);
            assertEquals("n1", ok.path("node_id").asText());
            assertTrue(ok.has("sample_timestamp"));
            assertEquals("baseline-trend/1", ok.path("model_version").asText());

            // Latency climbing 2 ms a sample from 40 ms: it crosses a 100 ms SLO within 30 steps.
            StringBuilder w = new StringBuilder("[");
            for (int t = 0; t < 60; t++) {
                MetricRecord r = sample(t, 20);
                w.append(t == 0 ? "" : ",").append(String.format("[%s,%s,0.001,1,12,2]", r.values()[0], r.values()[1]));
            }
            w.append(']');
            JsonNode ramp = ask(p, "{\"id\":\"2\",\"method\":\"PredictDegradation\",\"params\":{\"window\":" + w + "}}");
            assertTrue(ramp.path("is_degrading").asBoolean(), ramp.toString());
            assertTrue(ramp.path("probability").asDouble() > 0.5);
            // The same window against a generous SLO of its own: no warning.
            JsonNode loose = ask(p, "{\"id\":\"3\",\"method\":\"PredictDegradation\",\"params\":{\"window\":" + w
                    + ",\"slo\":{\"latency_ms\":1000}}}");
            assertFalse(loose.path("is_degrading").asBoolean(), loose.toString());
            assertEquals(1000, loose.path("slo").path("latency_ms").asDouble(), 0);

            assertEquals("bad_request", ask(p, "{\"id\":\"4\",\"method\":\"PredictDegradation\",\"params\":{\"window\":[[1,2,3,4,5,6]]}}")
                    .path("error").asText());
            assertEquals("bad_request", ask(p, "{\"id\":\"5\",\"method\":\"PredictDegradation\",\"params\":{\"window\":" + w
                    + ",\"slo\":{\"latency_ms\":-1}}}").path("error").asText());
            assertEquals("unknown_link", ask(p, "{\"id\":\"6\",\"method\":\"PredictDegradation\",\"params\":{\"node_id\":\"nx\",\"peer_id\":\"p1\"}}")
                    .path("error").asText());
        } finally {
            p.close();
        }
    }

    @Test
    void aLinkStartingToDegradeIsStreamedWhenItsWarningTurnsOn() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        AgentConfig cfg = config(Map.of("dwcp.degradation.stream-every", "0", "dwcp.degradation.slo-latency-ms", "100",
                "dwcp.degradation.every", "1"));
        Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()), events::add, new SimpleMeterRegistry());
        p.start();
        try {
            for (int t = 0; t < 100; t++) {
                p.offer(sample(t, 75));
            }
            awaitDegradation(events, 2, false);
            List<DegradationForecast> d = degradation(events);
            assertEquals(2, d.size(), d.toString());
            assertFalse(d.get(0).is_degrading());
            assertTrue(d.get(1).is_degrading());
            assertTrue(d.get(1).attention().isEmpty(), "the baseline has no attention");
        } finally {
            p.close();
        }
    }

    @Test
    void forecastOnTheFirstFullWindowThenEveryNthSample() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        AgentConfig cfg = config(Map.of("dwcp.degradation.every", "5", "dwcp.degradation.stream-every", "4",
                "dwcp.degradation.slo-latency-ms", "100"));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()), events::add, registry);
        p.start();
        try {
            for (int t = 0; t < 100; t++) {
                p.offer(sample(t, 1000));
            }
            // Full windows end at samples 59..99; forecast at 59, 64, ..., 99 (9), streamed at the first and
            // then every 4th forecast: samples 59, 79, 99.
            awaitDegradation(events, 3, true);
            List<DegradationForecast> d = degradation(events);
            assertEquals(List.of(59L, 79L, 99L), d.stream()
                    .map(e -> (java.time.Instant.parse(e.sample_timestamp()).toEpochMilli() - 1_700_000_000_000L) / 1000)
                    .toList(), d.toString());
            assertEquals(9, registry.get("dwcp.predictions").tag("model", "degradation").counter().count(), 0);
        } finally {
            p.close();
        }
    }

    @Test
    void topAttentionStepsCountBackFromTheNewestSample() {
        double[] w = new double[60];
        java.util.Arrays.fill(w, 0.5 / 57);
        w[59] = 0.3;
        w[10] = 0.15;
        w[58] = 0.05;
        List<DegradationForecast.AttentionStep> top = DegradationForecast.top(w, 3);
        assertEquals(0, top.get(0).steps_ago());
        assertEquals(49, top.get(1).steps_ago());
        assertEquals(1, top.get(2).steps_ago());
        assertEquals(0.3, top.get(0).weight(), 0);
    }

    @Test
    void sloConfigIsValidated() {
        org.junit.jupiter.api.Assertions.assertThrows(io.dwcp.agent.config.ConfigException.class,
                () -> config(Map.of("dwcp.degradation.slo-error-rate", "1.5")));
        org.junit.jupiter.api.Assertions.assertThrows(io.dwcp.agent.config.ConfigException.class,
                () -> config(Map.of("dwcp.degradation.slo-latency-ms", "fast")));
        assertEquals(60, config(Map.of()).degradation().windowLength());
    }

    static List<DegradationForecast> degradation(List<Event> events) {
        return events.stream().filter(e -> e instanceof DegradationForecast).map(e -> (DegradationForecast) e).toList();
    }

    /**
     * Waits (up to 20 s) for {@code n} streamed degradation forecasts; with {@code settle}, 300 ms more so that a
     * forecast beyond the expected count would have arrived and shows in the assertions.
     */
    static void awaitDegradation(List<Event> events, int n, boolean settle) throws InterruptedException {
        await().atMost(Duration.ofSeconds(20)).until(() -> degradation(events).size() >= n);
        if (settle) {
            Thread.sleep(300); // not polling: a forecast beyond the expected count would arrive in this time
        }
    }
}

package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.AgentService;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inference backend throws in the middle of the stream: every input of the failing batch ends as a
 * {@code prediction_error} event (stream) or an {@code inference_failed} error (request), the worker lives
 * on and the next batches succeed. Every stream input is accounted for: inputs = predictions + counted
 * failures = events received.
 */
@Timeout(120)
class BackendFailureTest {
    static final int LINKS = 20;
    static final float POISON = 666f;

    /** The serving model, except that a batch holding a window whose newest bandwidth is 666 throws. */
    record Throwing(Predictor<float[][], BandwidthForecast> real, AtomicInteger thrown)
            implements Predictor<float[][], BandwidthForecast> {
        @Override public String name() { return real.name(); }
        @Override public String version() { return real.version(); }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            for (float[][] w : in) {
                if (w[w.length - 1][0] == POISON) {
                    thrown.incrementAndGet();
                    throw new IllegalStateException("backend fault injected");
                }
            }
            return real.predictBatch(in);
        }
    }

    @Test
    void throwingBackendFailsItsBatchWithErrorEventsAndTheNextBatchesSucceed() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-fault");
        Path sock = dir.resolve("agent.sock");
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "micronaut.server.port", -1,
                "dwcp.ingest.port", 0,
                "dwcp.socket.path", sock.toString()));
             DatagramSocket sender = new DatagramSocket();
             LineClient c = new LineClient(sock)) {
            AgentService agent = ctx.getBean(AgentService.class);
            MeterRegistry reg = ctx.getBean(MeterRegistry.class);
            ModelSet m = agent.pipeline().models();
            AtomicInteger thrown = new AtomicInteger();
            agent.pipeline().swapModels(m.with("bandwidth", new Throwing(m.get(BuiltinModels.BANDWIDTH), thrown)));
            c.send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"bandwidth_prediction\",\"prediction_error\"]}}");
            c.reply("s");

            int rounds = 40;
            for (int r = 0; r < rounds; r++) {
                StringBuilder sb = new StringBuilder();
                for (int l = 0; l < LINKS; l++) {
                    double bw = (r == 20 && l == 3) ? POISON : 100 + r;
                    sb.append("dwcp_link,node_id=f,peer_id=p").append(l).append(" bandwidth_mbps=").append(bw)
                            .append(",latency_ms=5\n");
                }
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                sender.send(new DatagramPacket(b, b.length, agent.udpAddress()));
                int due = LINKS * Math.max(0, r - 8);
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(20))
                        .until(() -> done(reg) >= due);
                if (r == 20) {
                    // A request whose batch fails gets an error reply; the next one is answered.
                    String poisoned = "{\"window\":[" + "[100,5,0,0,1,1],".repeat(9) + "[666,5,0,0,1,1]]}";
                    String clean = "{\"window\":[" + "[100,5,0,0,1,1],".repeat(9) + "[101,5,0,0,1,1]]}";
                    c.send("{\"id\":\"bad\",\"method\":\"PredictBandwidth\",\"params\":" + poisoned + "}");
                    JsonNode bad = c.reply("bad");
                    assertEquals("error", bad.path("type").asText());
                    assertEquals("inference_failed", bad.path("error").path("code").asText());
                    c.send("{\"id\":\"ok\",\"method\":\"PredictBandwidth\",\"params\":" + clean + "}");
                    assertEquals("reply", c.reply("ok").path("type").asText());
                }
            }
            int inputs = LINKS * (rounds - 9);
            // + 2: the two requests are counted too (one failure, one prediction).
            await().atMost(Duration.ofSeconds(20)).until(() -> done(reg) >= inputs + 2);
            double failedStream = failed(reg) - 1; // the poisoned request is one of the counted failures
            await().atMost(Duration.ofSeconds(20)).until(() -> c.lines.size() >= inputs);
            Thread.sleep(200); // nothing more may come
            List<JsonNode> events = new ArrayList<>(c.lines);
            long predictions = events.stream().filter(n -> "bandwidth_prediction".equals(n.path("type").asText())).count();
            List<JsonNode> errors = events.stream().filter(n -> "prediction_error".equals(n.path("type").asText())).toList();

            assertTrue(thrown.get() >= 2, "the stream batch and the request batch failed");
            assertTrue(errors.stream().anyMatch(e -> "p3".equals(e.path("peer_id").asText())),
                    "the poisoned input is reported: " + errors);
            for (JsonNode e : errors) {
                assertEquals("bandwidth", e.path("model").asText());
                assertEquals("error", e.path("reason").asText());
            }
            assertEquals(inputs, events.size(), "one event per stream input");
            assertEquals(inputs, predictions + errors.size(), "sent = delivered + counted failures");
            assertEquals(failedStream, errors.size(), 0.0, "every failure counted in dwcp_predictions_failed_total");
            assertTrue(errors.size() < LINKS * 2, "only the failing batch failed: " + errors.size());
            assertTrue(agent.pipeline().isRunning() && agent.healthy(), "worker and agent alive");
            assertEquals(LINKS, events.subList(events.size() - LINKS, events.size()).stream()
                    .filter(n -> "bandwidth_prediction".equals(n.path("type").asText())).count(),
                    "the last round after the fault was predicted in full");
        }
    }

    static double done(MeterRegistry reg) {
        return reg.get("dwcp.predictions").tag("model", "bandwidth").counter().count() + failed(reg);
    }

    static double failed(MeterRegistry reg) {
        return reg.get("dwcp.predictions.failed").tag("model", "bandwidth").tag("reason", "error").counter().count();
    }
}

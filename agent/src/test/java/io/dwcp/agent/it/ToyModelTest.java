package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.AgentService;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.features.FeatureSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's acceptance test: a model that exists only in this test, on a measurement of its own, is
 * registered and flows end to end (UDP in, window, event on the socket, request answered) with no edit to
 * the pipeline, backends, reloader or model-set code.
 */
@Timeout(120)
class ToyModelTest {
    /** Its own measurement: {@code dwcp_toy,node_id=a level=3}. */
    static final Measurement TOY = new Measurement("dwcp_toy", "toy", false,
            List.of(Measurement.Field.required("level", 0, 1e6)));

    /** The streamed event and the request's result. */
    @JsonPropertyOrder({"v", "type", "node_id"})
    record ToyLevel(String node_id, double predicted_level, int window, String model_version) implements Event {
        @Override
        public String type() {
            return "toy_level";
        }
    }

    /** Predicts the window's mean plus a constant. */
    static final class Constant implements Predictor<float[][], Double> {
        @Override public String name() { return "toy-constant"; }
        @Override public String version() { return "1"; }

        @Override
        public List<Double> predictBatch(List<float[][]> inputs) {
            List<Double> out = new ArrayList<>();
            for (float[][] w : inputs) {
                double sum = 0;
                for (float[] row : w) {
                    sum += row[0];
                }
                out.add(sum / w.length + 1000);
            }
            return out;
        }
    }

    static final class ToySpec implements ModelSpec<float[][], Double> {
        @Override public String name() { return "toy"; }
        @Override public Measurement measurement() { return TOY; }
        @Override public FeatureSchema schema() { return new FeatureSchema("toy", List.of("level"), 3); }
        @Override public float[] features(MetricRecord r) { return new float[] {(float) r.values()[0]}; }
        @Override public int windowLength(AgentConfig config) { return 3; }
        @Override public boolean hasArtifact() { return false; }
        @Override public List<Provider<float[][], Double>> providers() { return List.of(); }
        @Override public Predictor<float[][], Double> baseline() { return new Constant(); }
        @Override public Set<String> methods() { return Set.of("PredictToy"); }
        @Override public Set<String> eventTypes() { return Set.of("toy_level"); }

        @Override
        public Serving<float[][], Double> serving(Context context) {
            return new Serving<>() {
                @Override
                public float[][] streamInput(MetricRecord r, float[] features, io.dwcp.agent.window.RingWindow w) {
                    return w.full() ? w.snapshot() : null;
                }

                @Override
                public RequestInput<float[][]> decode(String method, JsonNode p, Windows windows) {
                    String node = p.path("node_id").asText();
                    var w = windows.get(node);
                    if (w == null) {
                        throw new IllegalArgumentException("no window for " + node);
                    }
                    return new RequestInput<>(w.snapshot(), new MetricRecord(TOY, node, null, 0, new double[0]));
                }

                @Override
                public Event event(MetricRecord who, float[][] input, Double out, Predictor<float[][], Double> model) {
                    return new ToyLevel(who == null ? null : who.nodeId(), out, 3, model.name() + "/" + model.version());
                }
            };
        }
    }

    @Test
    void registeredInATestAndServedEndToEnd() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-toy");
        Path sock = dir.resolve("agent.sock");
        Map<String, String> settings = Map.of("dwcp.ingest.port", "0", "dwcp.socket.path", sock.toString(),
                "dwcp.history.enabled", "false", "dwcp.inference.device", "cpu");
        AgentConfig config = AgentConfig.from(k -> Optional.ofNullable(settings.get(k)));
        AgentService agent = new AgentService(config, BuiltinModels.registry().with(new ToySpec()), new SimpleMeterRegistry());
        try (DatagramSocket sender = new DatagramSocket(); LineClient c = new LineClient(sock)) {
            c.send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"toy_level\"]}}");
            c.reply("s");
            byte[] lines = "dwcp_toy,node_id=a level=1\ndwcp_toy,node_id=a level=2\ndwcp_toy,node_id=a level=6\n"
                    .getBytes(StandardCharsets.UTF_8);
            sender.send(new DatagramPacket(lines, lines.length, agent.udpAddress()));

            JsonNode e = c.await(n -> "toy_level".equals(n.path("type").asText()), Duration.ofSeconds(20));
            assertEquals("a", e.get("node_id").asText());
            assertEquals(1003.0, e.get("predicted_level").asDouble(), 1e-9);
            assertEquals("toy-constant/1", e.get("model_version").asText());

            c.send("{\"id\":\"q\",\"method\":\"PredictToy\",\"params\":{\"node_id\":\"a\"}}");
            JsonNode r = c.reply("q");
            assertEquals("reply", r.get("type").asText(), r.toString());
            assertEquals(1003.0, r.get("result").get("predicted_level").asDouble(), 1e-9);

            c.send("{\"id\":\"u\",\"method\":\"PredictToy\",\"params\":{\"node_id\":\"nobody\"}}");
            assertEquals("bad_request", c.reply("u").get("error").get("code").asText());
        } finally {
            agent.stop();
        }
    }
}

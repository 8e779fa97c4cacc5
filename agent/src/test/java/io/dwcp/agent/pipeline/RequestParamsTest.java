package io.dwcp.agent.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request parameters of every inference method through the pipeline (baselines, no TensorFlow): unknown
 * keys, a link together with a window, and the codes for a link or node the agent has no samples of
 * (agent/PROTOCOL.md "Error codes"; issue 18 item 2).
 */
@Timeout(60)
class RequestParamsTest {
    Pipeline p;

    @BeforeEach
    void start() {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.<String, String>of().get(k)));
        p = new Pipeline(cfg, BuiltinModels.registry(), ModelSet.baselines(BuiltinModels.registry()), e -> { },
                new SimpleMeterRegistry());
        p.start();
    }

    @AfterEach
    void stop() {
        p.close();
    }

    JsonNode ask(String method, String params) throws Exception {
        return DegradationRequestTest.ask(p, "{\"id\":\"1\",\"method\":\"" + method + "\",\"params\":" + params + "}");
    }

    static String rows(int n, int cols) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "[" : ",[");
            for (int c = 0; c < cols; c++) {
                b.append(c == 0 ? "" : ",").append(c + 1);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }

    void assertError(String code, String messagePart, JsonNode r) {
        assertEquals(code, r.path("error").asText(), r.toString());
        assertTrue(r.path("message").asText().contains(messagePart), r.toString());
    }

    @Test
    void unknownParamsKeysAreNamed() throws Exception {
        assertError("bad_request", "unknown params keys [peer]", ask("PredictBandwidth", "{\"node_id\":\"a\",\"peer\":\"b\"}"));
        assertError("bad_request", "allowed: [node_id, peer_id, window]", ask("PredictBandwidth", "{\"nodeid\":\"a\"}"));
        assertError("bad_request", "unknown params keys [feature]", ask("SelectCompression", "{\"feature\":[1,2,3,4,5,6]}"));
        assertError("bad_request", "unknown params keys [peer_id]", ask("DetectAnomaly", "{\"node_id\":\"a\",\"peer_id\":\"b\"}"));
        assertError("bad_request", "unknown params keys [features]", ask("DetectHighLatency", "{\"features\":[1]}"));
        assertError("bad_request", "unknown params keys [x]", ask("PredictDegradation", "{\"x\":1}"));
        assertError("bad_request", "unknown params keys [window]", ask("RecommendTransfer", "{\"window\":[]}"));
    }

    @Test
    void unknownSloKeysAreNamed() throws Exception {
        assertError("bad_request", "unknown params.slo keys [latency]",
                ask("PredictDegradation", "{\"window\":" + rows(60, 6) + ",\"slo\":{\"latency\":100}}"));
    }

    @Test
    void aLinkAndAWindowTogetherAreRefused() throws Exception {
        assertError("bad_request", "not both", ask("PredictBandwidth", "{\"node_id\":\"a\",\"peer_id\":\"b\",\"window\":" + rows(10, 6) + "}"));
        assertError("bad_request", "not both", ask("PredictDegradation", "{\"node_id\":\"a\",\"window\":" + rows(60, 6) + "}"));
        assertError("bad_request", "not both", ask("DetectHighLatency", "{\"node_id\":\"a\",\"window\":" + rows(30, 12) + "}"));
        assertError("bad_request", "not both", ask("DetectAnomaly", "{\"features\":[1,2,3,4,5,6,7,8,9],\"window\":" + rows(3, 9) + "}"));
    }

    @Test
    void anUnknownLinkOrNodeHasItsOwnCode() throws Exception {
        assertError("unknown_link", "no window for link a", ask("PredictBandwidth", "{\"node_id\":\"a\",\"peer_id\":\"b\"}"));
        assertError("unknown_link", "no window for link a", ask("PredictDegradation", "{\"node_id\":\"a\",\"peer_id\":\"b\"}"));
        assertError("unknown_node", "no window for node a", ask("DetectHighLatency", "{\"node_id\":\"a\"}"));
        assertError("unknown_node", "no history for node a", ask("DetectAnomaly", "{\"node_id\":\"a\"}"));
        assertEquals("no_recommendation", ask("RecommendTransfer", "{\"node_id\":\"a\",\"peer_id\":\"b\"}").path("error").asText());
    }

    @Test
    void aWindowNotYetFullHasItsOwnCode() throws Exception {
        for (int t = 0; t < 3; t++) {
            p.offer(new MetricRecord(Measurement.LINK, "n", "q", 1_700_000_000_000L + 1000L * t, new double[] {100, 10, 0, 1}));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !"unknown_link".equals(
                ask("PredictBandwidth", "{\"node_id\":\"n\",\"peer_id\":\"q\"}").path("error").asText()));
        assertError("window_not_full", "has 3 of 10 steps", ask("PredictBandwidth", "{\"node_id\":\"n\",\"peer_id\":\"q\"}"));
    }

    @Test
    void theStreamedEventTypesAreListed() {
        assertEquals(Set.of("bandwidth_prediction", "compression_choice", "anomaly", "latency_anomaly", "degradation_forecast",
                "transfer_recommendation", "prediction_error"), p.eventTypes());
    }
}

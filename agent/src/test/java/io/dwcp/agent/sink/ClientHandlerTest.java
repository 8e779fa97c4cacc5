package io.dwcp.agent.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection handler on an {@link EmbeddedChannel}: no sockets, every reply read back as bytes. */
class ClientHandlerTest {
    static final ObjectMapper M = new ObjectMapper();
    final List<Request> submitted = new ArrayList<>();
    SimpleMeterRegistry registry;
    Clients clients;
    EmbeddedChannel ch;

    /**
     * Answers PredictBandwidth with a fixed result, or {@code bad_request} when params has {@code bad}, or
     * not yet when it has {@code hold} (answered by {@link #held}); remembers what it was asked.
     */
    final RequestHandler handler = new RequestHandler() {
        @Override
        public Set<String> methods() {
            return Set.of("PredictBandwidth");
        }

        @Override
        public Set<String> eventTypes() {
            return Set.of("anomaly", "bandwidth_prediction");
        }

        @Override
        public void submit(Request r) {
            submitted.add(r);
            if (r.params().has("hold")) {
                held.add(r);
            } else if (r.params().has("bad")) {
                r.reply().accept(Request.Reply.error(r.id(), "bad_request", "params.bad is bad"));
            } else {
                r.reply().accept(Request.Reply.ok(r.id(), Map.of("ok", true)));
            }
        }
    };
    final List<Request> held = new ArrayList<>();

    @BeforeEach
    void connect() {
        Map<String, String> s = Map.of("dwcp.socket.max-request-bytes", "256", "dwcp.socket.max-in-flight-per-client", "4");
        AgentConfig.Socket config = AgentConfig.from(k -> Optional.ofNullable(s.get(k))).socket();
        registry = new SimpleMeterRegistry();
        SocketMetrics metrics = new SocketMetrics(registry);
        clients = new Clients();
        ch = new EmbeddedChannel();
        ClientSession session = new ClientSession(ch, 16, metrics);
        ch.pipeline().addLast(new RequestFrameDecoder(config.maxRequestBytes()),
                new ClientHandler(session, clients, config, metrics, () -> handler));
        ch.pipeline().fireChannelActive();
    }

    JsonNode send(String line) throws Exception {
        ch.writeInbound(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
        ByteBuf out = ch.readOutbound();
        if (out == null) {
            return null;
        }
        try {
            return M.readTree(out.toString(StandardCharsets.UTF_8));
        } finally {
            out.release();
        }
    }

    @Test
    void registersTheSessionAndForgetsItOnClose() {
        assertEquals(1, clients.sessions.size());
        ch.close();
        assertEquals(0, clients.sessions.size());
    }

    @Test
    void pingIsAnsweredByTheHandlerItself() throws Exception {
        JsonNode r = send("{\"id\":\"1\",\"method\":\"ping\"}");
        assertEquals("reply", r.get("type").asText());
        assertTrue(r.get("result").get("pong").asBoolean());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void inferenceGoesToTheRequestHandlerAndTheReplyBack() throws Exception {
        JsonNode r = send("{\"id\":\"7\",\"method\":\"PredictBandwidth\",\"params\":{\"node_id\":\"a\",\"peer_id\":\"b\"}}");
        assertEquals("7", r.get("id").asText());
        assertTrue(r.get("result").get("ok").asBoolean());
        assertEquals(1, submitted.size());
        assertEquals("PredictBandwidth", submitted.get(0).method());
        assertEquals("a", submitted.get(0).params().get("node_id").asText());
    }

    @Test
    void unknownMethodBadJsonAndMissingIdAreErrors() throws Exception {
        assertEquals("unknown_method", send("{\"id\":\"1\",\"method\":\"Nope\"}").get("error").get("code").asText());
        assertEquals("bad_request", send("{not json").get("error").get("code").asText());
        assertEquals("bad_request", send("{\"method\":\"PredictBandwidth\"}").get("error").get("code").asText());
        assertTrue(submitted.isEmpty());
    }

    @Test
    void overlongLineIsRequestTooLarge() throws Exception {
        JsonNode r = send("{\"id\":\"1\",\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(400) + "\"}}");
        assertEquals("request_too_large", r.get("error").get("code").asText());
        assertEquals(1.0, registry.get("dwcp.socket.requests.invalid").tag("reason", "too_large").counter().count());
    }

    @Test
    void blankLinesAreNotAnsweredButCounted() throws Exception {
        assertNull(send("   "));
        assertEquals(1.0, invalid("empty"));
    }

    double invalid(String reason) {
        return registry.get("dwcp.socket.requests.invalid").tag("reason", reason).counter().count();
    }

    String error(JsonNode r) {
        return r.path("error").path("code").asText() + ": " + r.path("error").path("message").asText();
    }

    @Test
    void missingOrNonStringMethodIsBadRequest() throws Exception {
        assertEquals("bad_request: method is required", error(send("{\"id\":\"1\"}")));
        assertEquals("bad_request: method is required", error(send("{\"id\":\"1\",\"method\":null}")));
        assertEquals("bad_request: method must be a string", error(send("{\"id\":\"1\",\"method\":7}")));
        assertEquals("1", send("{\"id\":\"1\"}").path("id").asText());
        assertEquals(4.0, invalid("bad_request"));
    }

    @Test
    void emptyOrNonScalarIdIsRefusedNotEchoed() throws Exception {
        for (String id : new String[] {"\"\"", "true", "1.5", "[1]", "{}"}) {
            JsonNode r = send("{\"id\":" + id + ",\"method\":\"ping\"}");
            assertEquals("bad_request: id must be a non-empty string or an integer", error(r), id);
            assertTrue(r.get("id").isNull(), id);
        }
        assertEquals("42", send("{\"id\":42,\"method\":\"ping\"}").get("id").asText());
    }

    @Test
    void trailingGarbageAfterTheObjectIsRefused() throws Exception {
        JsonNode r = send("{\"id\":\"1\",\"method\":\"ping\"} garbage");
        assertEquals("bad_request", r.path("error").path("code").asText());
        assertTrue(r.get("id").isNull());
        assertEquals("bad_request", send("{\"id\":\"1\",\"method\":\"ping\"}{\"id\":\"2\",\"method\":\"ping\"}")
                .path("error").path("code").asText());
    }

    @Test
    void unknownRequestMembersAndControlParamsAreNamed() throws Exception {
        assertEquals("bad_request: unknown request members [parms]; a request has [id, method, params]",
                error(send("{\"id\":\"1\",\"method\":\"subscribe\",\"parms\":{\"types\":[]}}")));
        assertEquals("bad_request: unknown params keys [type] for subscribe; allowed: [client, resume_after, types]",
                error(send("{\"id\":\"1\",\"method\":\"subscribe\",\"params\":{\"type\":[\"anomaly\"]}}")));
        assertEquals("bad_request: unknown params keys [x] for ping; allowed: none",
                error(send("{\"id\":\"1\",\"method\":\"ping\",\"params\":{\"x\":1}}")));
        assertEquals("bad_request: params.resume_after needs params.client (named readers only)",
                error(send("{\"id\":\"1\",\"method\":\"subscribe\",\"params\":{\"resume_after\":3}}")));
    }

    @Test
    void unknownSubscribeTypesAreRefusedListingTheValidOnes() throws Exception {
        JsonNode r = send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"anomaly\",\"anomalies\",\"x\"]}}");
        assertEquals("bad_request: unknown event types [anomalies, x]; valid: [anomaly, bandwidth_prediction]", error(r));
        ClientSession s = clients.sessions.iterator().next();
        assertTrue(s.wants("bandwidth_prediction"), "a refused subscribe changes nothing");
        assertEquals("bad_request", send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[1]}}")
                .path("error").path("code").asText());
    }

    @Test
    void aDuplicateInFlightIdIsRefusedAndTheFirstStillAnswered() throws Exception {
        assertNull(send("{\"id\":\"7\",\"method\":\"PredictBandwidth\",\"params\":{\"hold\":1}}"));
        JsonNode dup = send("{\"id\":\"7\",\"method\":\"PredictBandwidth\",\"params\":{}}");
        assertEquals("duplicate_id", dup.path("error").path("code").asText());
        assertEquals("7", dup.path("id").asText());
        assertEquals("duplicate_id", send("{\"id\":\"7\",\"method\":\"ping\"}").path("error").path("code").asText());
        assertEquals(1, submitted.size(), "the duplicate never reached the handler");
        Request first = held.remove(0);
        first.reply().accept(Request.Reply.ok(first.id(), Map.of("ok", true)));
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertEquals("7", M.readTree(out.toString(StandardCharsets.UTF_8)).path("id").asText());
        out.release();
        // Answered: the id is free again.
        assertTrue(send("{\"id\":\"7\",\"method\":\"PredictBandwidth\",\"params\":{}}").path("result").path("ok").asBoolean());
        assertEquals(2.0, invalid("duplicate_id"));
    }

    @Test
    void parameterErrorsFoundByTheHandlerAreCounted() throws Exception {
        assertEquals("bad_request", send("{\"id\":\"1\",\"method\":\"PredictBandwidth\",\"params\":{\"bad\":1}}")
                .path("error").path("code").asText());
        assertEquals(1.0, invalid("bad_request"));
    }

    @Test
    void requestTooLargeCarriesTheIdWhenTheLineStartsWithIt() throws Exception {
        String pad = "x".repeat(400);
        assertEquals("big-1", send("{\"id\":\"big-1\",\"method\":\"ping\",\"params\":{\"pad\":\"" + pad + "\"}}")
                .path("id").asText());
        assertEquals("12", send("{\"method\":\"ping\",\"params\":{\"a\":[1,2]},\"id\":12,\"pad\":\"" + pad + "\"}")
                .path("id").asText());
        assertTrue(send("{\"params\":{\"pad\":\"" + pad.repeat(2) + "\"},\"id\":\"late\"}").get("id").isNull(),
                "id after the first " + io.dwcp.agent.protocol.RequestCodec.ID_PREFIX_BYTES + " bytes");
        assertTrue(send("[" + pad + "]").get("id").isNull());
        // The connection stays usable, and line boundaries are kept across the discarded line.
        assertTrue(send("{\"id\":\"p\",\"method\":\"ping\"}").path("result").path("pong").asBoolean());
        assertEquals(4.0, invalid("too_large"));
        assertEquals(5.0, registry.get("dwcp.socket.requests").counter().count(), "overlong lines are request lines too");
    }

    @Test
    void everyLineIsAnsweredOrCounted() throws Exception {
        String[] lines = {"", "{\"id\":\"1\",\"method\":\"ping\"}", "nope", "{\"id\":\"2\"}",
            "{\"id\":\"3\",\"method\":\"PredictBandwidth\",\"params\":{}}", "  ", "{\"method\":\"Nope\"}",
            "{\"id\":\"4\",\"method\":\"PredictBandwidth\",\"params\":{\"bad\":1}}"};
        int answered = 0;
        for (String l : lines) {
            if (send(l) != null) {
                answered++;
            }
        }
        double requests = registry.get("dwcp.socket.requests").counter().count();
        assertEquals(lines.length, requests, 0.0);
        assertEquals(requests, answered + invalid("empty"), 0.0);
        assertEquals(4.0, invalid("bad_request") + invalid("unknown_method"), 0.0);
    }

    @Test
    void aNewNameResumingAfterASeqIsNumberedFromTheNextOne() throws Exception {
        JsonNode r = send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"client\":\"go\",\"resume_after\":2000}}");
        JsonNode res = r.path("result");
        assertEquals(false, res.path("resumed").asBoolean(), r.toString());
        assertEquals(2001, res.path("next_seq").asLong(), r.toString());
        assertEquals(2000, res.path("last_seq").asLong(), r.toString());
        clients.named.get("go").append("{\"v\":1,\"type\":\"anomaly\"}\n".getBytes(StandardCharsets.UTF_8));
        ch.runPendingTasks();
        ByteBuf out = ch.readOutbound();
        assertEquals(2001, M.readTree(out.toString(StandardCharsets.UTF_8)).path("seq").asLong());
        out.release();
    }

    @Test
    void subscribeSetsTheSessionsTypes() throws Exception {
        JsonNode r = send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"anomaly\"]}}");
        assertTrue(r.get("result").get("subscribed").asBoolean());
        ClientSession s = clients.sessions.iterator().next();
        assertTrue(s.wants("anomaly"));
        assertTrue(!s.wants("bandwidth_prediction"));
    }
}

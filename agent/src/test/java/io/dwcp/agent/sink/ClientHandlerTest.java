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
import io.netty.handler.codec.LineBasedFrameDecoder;
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

    /** Answers PredictBandwidth with a fixed result; remembers what it was asked. */
    final RequestHandler handler = new RequestHandler() {
        @Override
        public Set<String> methods() {
            return Set.of("PredictBandwidth");
        }

        @Override
        public void submit(Request r) {
            submitted.add(r);
            r.reply().accept(Request.Reply.ok(r.id(), Map.of("ok", true)));
        }
    };

    @BeforeEach
    void connect() {
        Map<String, String> s = Map.of("dwcp.socket.max-request-bytes", "256", "dwcp.socket.max-in-flight-per-client", "4");
        AgentConfig.Socket config = AgentConfig.from(k -> Optional.ofNullable(s.get(k))).socket();
        registry = new SimpleMeterRegistry();
        SocketMetrics metrics = new SocketMetrics(registry);
        clients = new Clients();
        ch = new EmbeddedChannel();
        ClientSession session = new ClientSession(ch, 16, metrics);
        ch.pipeline().addLast(new LineBasedFrameDecoder(config.maxRequestBytes(), true, true),
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
    void blankLinesAreIgnored() throws Exception {
        assertNull(send("   "));
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

package io.dwcp.agent.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestCodec;
import io.dwcp.agent.protocol.RequestHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket connection: parses request lines (agent/PROTOCOL.md), answers control methods itself, hands
 * inference requests to the {@link RequestHandler}, tracks writability and cleans up on close. Runs on the
 * connection's event loop only; never blocks.
 */
final class ClientHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);
    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> SUBSCRIBE_PARAMS = Set.of("types", "client", "resume_after");
    /** The error code for a request whose id is in flight already on the connection. */
    static final String DUPLICATE_ID = "duplicate_id";
    /** Largest resume_after: 2^53 - 1, exact in every JSON reader's numbers, and room left for seqs after it. */
    static final long MAX_SEQ = (1L << 53) - 1;

    private final ClientSession session;
    private final Clients clients;
    private final AgentConfig.Socket config;
    private final SocketMetrics metrics;
    private final Supplier<RequestHandler> handler;

    ClientHandler(ClientSession session, Clients clients, AgentConfig.Socket config, SocketMetrics metrics,
              Supplier<RequestHandler> handler) {
    this.session = session;
    this.clients = clients;
    this.config = config;
    this.metrics = metrics;
    this.handler = handler;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        clients.sessions.add(session);
        metrics.clients.set(clients.sessions.size());
        metrics.connections.increment();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clients.sessions.remove(session);
        metrics.clients.set(clients.sessions.size());
        NamedSubscriber n = session.named;
        if (n != null) {
            n.detach(session);
        }
        session.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            NamedSubscriber n = session.named;
            if (n != null) {
                n.drain(session);
            } else {
                session.drain();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        metrics.requests.increment();
        String text = frame.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            // Not answered (a keep-alive newline must not produce a reply), but counted: every line is one
            // or the other (issue 17 item 8).
            metrics.invalid(SocketMetrics.EMPTY).increment();
            return;
        }
        RequestHandler p = handler.get();
        RequestCodec.Parsed parsed = RequestCodec.parse(text, p == null ? m -> true : p.methods()::contains);
        if (parsed instanceof RequestCodec.Invalid inv) {
            bad(inv.id(), inv.code(), inv.message());
            return;
        }
        String id = parsed instanceof RequestCodec.Control c ? c.id() : ((RequestCodec.Inference) parsed).id();
        if (id != null && session.inFlightIds.contains(id)) {
            // Answering both would leave the client unable to tell the answers apart (issue 18).
            bad(id, DUPLICATE_ID, "a request with id '" + truncate(id) + "' is still in flight on this connection; "
                    + "the earlier request is answered on its own");
            return;
        }
        if (parsed instanceof RequestCodec.Control c) {
            control(c);
        } else if (parsed instanceof RequestCodec.Inference inf) {
            if (p == null) {
                session.reply(SocketServer.reply(Request.Reply.error(id, "unavailable", "models not loaded yet")));
                return;
            }
            if (session.inFlight.incrementAndGet() > config.maxInFlightPerClient()) {
                session.inFlight.decrementAndGet();
                session.reply(SocketServer.reply(Request.Reply.error(id, "too_many_in_flight",
                        "more than " + config.maxInFlightPerClient() + " requests in flight")));
                return;
            }
            session.inFlightIds.add(id);
            p.submit(new Request(id, inf.method(), inf.params(), r -> {
                // Forget the id before the reply leaves: the client may reuse it as soon as it reads it.
                session.inFlightIds.remove(id);
                session.inFlight.decrementAndGet();
                if (r.errorCode() != null && SocketMetrics.INVALID_REASONS.contains(r.errorCode())) {
                    metrics.invalid(r.errorCode()).increment(); // a parameter error found by the model's decode
                }
                session.reply(SocketServer.reply(r));
            }));
        }
    }

    private void control(RequestCodec.Control c) {
        String id = c.id();
        List<String> unknownKeys = RequestCodec.unknownKeys(c.params(),
                "subscribe".equals(c.method()) ? SUBSCRIBE_PARAMS : Set.of());
        if (!unknownKeys.isEmpty()) {
            bad(id, "bad_request", "unknown params keys " + unknownKeys + " for " + c.method() + "; allowed: "
                    + ("subscribe".equals(c.method()) ? new TreeSet<>(SUBSCRIBE_PARAMS) : "none"));
            return;
        }
        switch (c.method()) {
            case "ping" -> session.reply(SocketServer.reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("pong", true))));
            case "subscribe" -> {
                JsonNode types = c.params().get("types");
                Set<String> wanted;
                if (types == null || types.isNull()) {
                    wanted = null;
                } else if (types.isArray()) {
                    RequestHandler p = handler.get();
                    Set<String> valid = p == null ? null : p.eventTypes();
                    Set<String> t = new HashSet<>();
                    Set<String> unknown = new TreeSet<>();
                    for (JsonNode n : types) {
                        if (!n.isTextual()) {
                            bad(id, "bad_request", "params.types must be an array of event type names (strings)");
                            return;
                        }
                        if (valid != null && !valid.contains(n.asText())) {
                            unknown.add(truncate(n.asText()));
                        }
                        t.add(n.asText());
                    }
                    if (!unknown.isEmpty()) {
                        bad(id, "bad_request", "unknown event types " + unknown + "; valid: " + new TreeSet<>(valid));
                        return;
                    }
                    wanted = Set.copyOf(t);
                } else {
                    bad(id, "bad_request", "params.types must be an array of event types");
                    return;
                }
                JsonNode client = c.params().get("client");
                if (client != null && !client.isNull()) {
                    subscribeNamed(id, client, c.params().get("resume_after"), wanted);
                    return;
                }
                if (c.params().hasNonNull("resume_after")) {
                    bad(id, "bad_request", "params.resume_after needs params.client (named readers only)");
                    return;
                }
                if (session.named != null) {
                    session.named.types(wanted);
                } else {
                    session.types = wanted;
                }
                session.reply(SocketServer.reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", true))));
            }
            default -> {
                if (session.named != null) {
                    session.named.types(Set.of());
                }
                session.types = Set.of();
                session.reply(SocketServer.reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", false))));
            }
        }
    }

    /** Event loop. See agent/PROTOCOL.md "Named readers". */
    private void subscribeNamed(String id, JsonNode client, JsonNode resume, Set<String> wanted) {
        if (config.backlogEvents() == 0) {
            bad(id, "bad_request", "named clients are disabled (dwcp.socket.backlog-events=0)");
            return;
        }
        if (!client.isTextual() || !CLIENT_NAME.matcher(client.asText()).matches()) {
            bad(id, "bad_request", "params.client must be 1-64 characters of A-Z a-z 0-9 . _ : -");
            return;
        }
        Long resumeAfter = null;
        if (resume != null && !resume.isNull()) {
            if (!resume.canConvertToExactIntegral() || !resume.canConvertToLong() || resume.asLong() < 0
                    || resume.asLong() > MAX_SEQ) {
                bad(id, "bad_request", "params.resume_after must be an integer from 0 to " + MAX_SEQ);
                return;
            }
            resumeAfter = resume.asLong();
        }
        String name = client.asText();
        if (session.named != null && !session.named.name.equals(name)) {
            bad(id, "bad_request", "this connection is already client '" + session.named.name + "'");
            return;
        }
        NamedSubscriber sub = clients.named.get(name);
        if (sub != null && session.named == sub) {
            // Same connection, new types: nothing to resume (rewinding would resend what is in flight).
            sub.types(wanted);
            NamedSubscriber.Resume r = sub.position();
            session.reply(SocketServer.reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", true)
                    .put("client", name).put("resumed", true).put("next_seq", r.nextSeq()).put("missed", 0)
                    .put("last_seq", r.lastSeq()))));
            return;
        }
        boolean existed = sub != null;
        if (sub == null) {
            if (clients.named.size() >= config.backlogClients() && !evictOldestDetached()) {
                session.reply(SocketServer.reply(Request.Reply.error(id, "too_many_clients", config.backlogClients()
                        + " named clients are connected (dwcp.socket.backlog-clients)")));
                return;
            }
            sub = new NamedSubscriber(name, config.backlogEvents(), metrics, resumeAfter == null ? 0 : resumeAfter);
        }
        NamedSubscriber.Resume r;
        try {
            // Types first: events published from here on are filtered as asked.
            sub.types(wanted);
            r = sub.attach(session, existed ? resumeAfter : null);
        } catch (IllegalArgumentException e) {
            bad(id, "bad_request", e.getMessage());
            return;
        }
        if (!existed) {
            clients.named.put(name, sub);
        }
        ObjectNode res = EventCodec.MAPPER.createObjectNode().put("subscribed", true).put("client", name)
                .put("resumed", existed).put("next_seq", r.nextSeq()).put("missed", r.missed())
                .put("last_seq", r.lastSeq());
        session.reply(SocketServer.reply(Request.Reply.ok(id, res)));
        sub.drain(session);
    }

    /** A request refused before any work: counted by its code, and answered. */
    private void bad(String id, String code, String message) {
        metrics.invalid(code).increment();
        session.reply(SocketServer.reply(Request.Reply.error(id, code, message)));
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // The id, when the line's first bytes hold it, so the client can tell which request it was.
            String id = cause instanceof RequestFrameDecoder.TooLongRequest t ? RequestCodec.idFromPrefix(t.prefix()) : null;
            metrics.requests.increment(); // a line too, so that requests = answered + empty
            metrics.invalid(SocketMetrics.TOO_LARGE).increment();
            session.reply(SocketServer.reply(Request.Reply.error(id, "request_too_large",
                    "request longer than " + config.maxRequestBytes() + " bytes (dwcp.socket.max-request-bytes)")));
            return;
        }
        LOG.debug("socket client error, closing: {}", cause.toString());
        ctx.close();
    }

    /** Event loop: forgets the named client that has been gone longest; false when all are connected. */
    private boolean evictOldestDetached() {
        NamedSubscriber oldest = null;
        for (NamedSubscriber n : clients.named.values()) {
            if (!n.isAttached() && (oldest == null || n.detachedAtNanos() - oldest.detachedAtNanos() < 0)) {
                oldest = n;
            }
        }
        if (oldest == null) {
            return false;
        }
        clients.named.remove(oldest.name);
        oldest.discard();
        LOG.info("forgot named socket client '{}' to make room (dwcp.socket.backlog-clients)", oldest.name);
        return true;
    }
}

package io.dwcp.agent.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.event.Event;
import io.dwcp.agent.event.EventCodec;
import io.dwcp.agent.event.EventSink;
import io.dwcp.agent.ops.Transports;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.pipeline.Request;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Unix-domain socket the Go process reads: newline-delimited JSON, the prediction stream and
 * request/response on one connection (see agent/PROTOCOL.md). {@link #publish} is called by the pipeline
 * worker and never blocks: each client has a bounded buffer, see {@link ClientSession}.
 */
public final class SocketServer implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final AgentConfig.Socket config;
    private final SocketMetrics metrics;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    /** Named readers' streams, kept across their connections; created and removed on the event loop. */
    private final Map<String, NamedSubscriber> named = new ConcurrentHashMap<>();
    private volatile Pipeline pipeline;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    public SocketServer(AgentConfig.Socket config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new SocketMetrics(registry);
    }

    /** Requests are answered by this pipeline; set before clients connect. */
    public void attach(Pipeline p) {
        this.pipeline = p;
    }

    public synchronized void start() {
        Path path = config.path();
        prepare(path);
        boss = Transports.group(1, "dwcp-sock-accept");
        workers = Transports.group(1, "dwcp-sock");
        ServerBootstrap b = new ServerBootstrap().group(boss, workers)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeLowWatermark(), config.writeHighWatermark()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (sessions.size() >= config.maxClients()) {
                            metrics.refused.increment();
                            LOG.warn("refusing socket client: {} clients already connected (dwcp.socket.max-clients)",
                                    config.maxClients());
                            ch.close();
                            return;
                        }
                        ClientSession s = new ClientSession(ch, config.clientBufferEvents(), metrics);
                        ch.pipeline().addLast(new LineBasedFrameDecoder(config.maxRequestBytes(), true, true));
                        ch.pipeline().addLast(new ClientHandler(s));
                    }
                });
        try {
            if (Transports.epoll()) {
                b.channel(EpollServerDomainSocketChannel.class);
                server = b.bind(new DomainSocketAddress(path.toFile())).syncUninterruptibly().channel();
            } else {
                b.channel(NioServerDomainSocketChannel.class);
                server = b.bind(UnixDomainSocketAddress.of(path)).syncUninterruptibly().channel();
            }
        } catch (Exception e) { // Netty rethrows the checked bind error undeclared
            shutdownGroups();
            throw new io.dwcp.agent.StartupException("cannot listen on Unix socket " + path + " (dwcp.socket.path): "
                    + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | UnsupportedOperationException e) {
            close();
            throw new io.dwcp.agent.StartupException("cannot set mode 0660 on " + path + ": " + e.getMessage(), e);
        }
        LOG.info("socket listening on {} (mode 0660, {})", path, Transports.name());
    }

    /** Creates the parent directory; removes a stale socket file; refuses to clobber anything else. */
    static void prepare(Path path) {
        Path dir = path.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new io.dwcp.agent.StartupException("cannot create socket directory " + dir + " (dwcp.socket.path): " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new io.dwcp.agent.StartupException("socket directory " + dir + " is not writable (dwcp.socket.path)", null);
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean isSocket;
        try {
            isSocket = "socket".equals(fileType(path));
        } catch (IOException e) {
            throw new io.dwcp.agent.StartupException("cannot inspect " + path + ": " + e, e);
        }
        if (!isSocket) {
            throw new io.dwcp.agent.StartupException(path + " exists and is not a socket; refusing to replace it (dwcp.socket.path)", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new io.dwcp.agent.StartupException("another process is listening on " + path + " (dwcp.socket.path)", null);
        } catch (IOException refused) {
            // Nobody home: a stale file from a crashed run.
            try {
                Files.deleteIfExists(path);
                LOG.info("removed stale socket file {}", path);
            } catch (IOException e) {
                throw new io.dwcp.agent.StartupException("cannot remove stale socket " + path + ": " + e, e);
            }
        }
    }

    private static String fileType(Path p) throws IOException {
        Object other = Files.readAttributes(p, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode");
        if (other instanceof Integer mode) {
            return (mode & 0170000) == 0140000 ? "socket" : "other";
        }
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "file" : "other";
    }

    public boolean isActive() {
        Channel c = server;
        return c != null && c.isActive();
    }

    public int clients() {
        return sessions.size();
    }

    @Override
    public void publish(Event event) {
        if (sessions.isEmpty() && named.isEmpty()) {
            return;
        }
        byte[] line = null;
        for (ClientSession s : sessions) {
            if (s.named == null && s.wants(event.type())) {
                if (line == null) {
                    line = EventCodec.line(event);
                }
                s.offer(line);
            }
        }
        for (NamedSubscriber n : named.values()) {
            if (n.wants(event.type())) {
                if (line == null) {
                    line = EventCodec.line(event);
                }
                n.append(line);
            }
        }
    }

    /** Flushes what clients can take within the bound, then closes. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            server = null;
        }
        for (ClientSession s : sessions) {
            s.channel.flush();
            s.channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        shutdownGroups();
        try {
            Files.deleteIfExists(config.path());
        } catch (IOException e) {
            LOG.warn("could not remove socket file {}: {}", config.path(), e.toString());
        }
    }

    private void shutdownGroups() {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Per connection: parses request lines, tracks writability, cleans up on close. */
    private final class ClientHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final ClientSession session;

        ClientHandler(ClientSession session) {
            this.session = session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sessions.add(session);
            metrics.clients.set(sessions.size());
            metrics.connections.increment();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sessions.remove(session);
            metrics.clients.set(sessions.size());
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
                return;
            }
            RequestCodec.Parsed parsed = RequestCodec.parse(text);
            if (parsed instanceof RequestCodec.Invalid inv) {
                bad(inv.id(), inv.code(), inv.message());
            } else if (parsed instanceof RequestCodec.Control c) {
                control(c);
            } else if (parsed instanceof RequestCodec.Inference inf) {
                Pipeline p = pipeline;
                String id = inf.id();
                if (p == null) {
                    session.reply(reply(Request.Reply.error(id, "unavailable", "models not loaded yet")));
                    return;
                }
                if (session.inFlight.incrementAndGet() > config.maxInFlightPerClient()) {
                    session.inFlight.decrementAndGet();
                    session.reply(reply(Request.Reply.error(id, "too_many_in_flight",
                            "more than " + config.maxInFlightPerClient() + " requests in flight")));
                    return;
                }
                p.submit(new Request(id, inf.method(), inf.params(), r -> {
                    session.inFlight.decrementAndGet();
                    session.reply(reply(r));
                }));
            }
        }

        private void control(RequestCodec.Control c) {
            String id = c.id();
            switch (c.method()) {
                case "ping" -> session.reply(reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("pong", true))));
                case "subscribe" -> {
                    JsonNode types = c.params().get("types");
                    Set<String> wanted;
                    if (types == null || types.isNull()) {
                        wanted = null;
                    } else if (types.isArray()) {
                        Set<String> t = new HashSet<>();
                        types.forEach(n -> t.add(n.asText()));
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
                    if (session.named != null) {
                        session.named.types(wanted);
                    } else {
                        session.types = wanted;
                    }
                    session.reply(reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", true))));
                }
                default -> {
                    if (session.named != null) {
                        session.named.types(Set.of());
                    }
                    session.types = Set.of();
                    session.reply(reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", false))));
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
                if (!resume.canConvertToExactIntegral() || !resume.canConvertToLong() || resume.asLong() < 0) {
                    bad(id, "bad_request", "params.resume_after must be a non-negative integer");
                    return;
                }
                resumeAfter = resume.asLong();
            }
            String name = client.asText();
            if (session.named != null && !session.named.name.equals(name)) {
                bad(id, "bad_request", "this connection is already client '" + session.named.name + "'");
                return;
            }
            NamedSubscriber sub = named.get(name);
            if (sub != null && session.named == sub) {
                // Same connection, new types: nothing to resume (rewinding would resend what is in flight).
                sub.types(wanted);
                NamedSubscriber.Resume r = sub.position();
                session.reply(reply(Request.Reply.ok(id, EventCodec.MAPPER.createObjectNode().put("subscribed", true)
                        .put("client", name).put("resumed", true).put("next_seq", r.nextSeq()).put("missed", 0)
                        .put("last_seq", r.lastSeq()))));
                return;
            }
            boolean existed = sub != null;
            if (sub == null) {
                if (named.size() >= config.backlogClients() && !evictOldestDetached()) {
                    session.reply(reply(Request.Reply.error(id, "too_many_clients", config.backlogClients()
                            + " named clients are connected (dwcp.socket.backlog-clients)")));
                    return;
                }
                sub = new NamedSubscriber(name, config.backlogEvents(), metrics);
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
                named.put(name, sub);
            }
            ObjectNode res = EventCodec.MAPPER.createObjectNode().put("subscribed", true).put("client", name)
                    .put("resumed", existed).put("next_seq", r.nextSeq()).put("missed", r.missed())
                    .put("last_seq", r.lastSeq());
            session.reply(reply(Request.Reply.ok(id, res)));
            sub.drain(session);
        }

        private void bad(String id, String code, String message) {
            metrics.badRequests.increment();
            session.reply(reply(Request.Reply.error(id, code, message)));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                metrics.tooLarge.increment();
                session.reply(reply(Request.Reply.error(null, "request_too_large",
                        "request longer than " + config.maxRequestBytes() + " bytes (dwcp.socket.max-request-bytes)")));
                return;
            }
            LOG.debug("socket client error, closing: {}", cause.toString());
            ctx.close();
        }
    }

    private static final java.util.regex.Pattern CLIENT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** Event loop: forgets the named client that has been gone longest; false when all are connected. */
    private boolean evictOldestDetached() {
        NamedSubscriber oldest = null;
        for (NamedSubscriber n : named.values()) {
            if (!n.isAttached() && (oldest == null || n.detachedAtNanos() - oldest.detachedAtNanos() < 0)) {
                oldest = n;
            }
        }
        if (oldest == null) {
            return false;
        }
        named.remove(oldest.name);
        oldest.discard();
        LOG.info("forgot named socket client '{}' to make room (dwcp.socket.backlog-clients)", oldest.name);
        return true;
    }

    static byte[] reply(Request.Reply r) {
        ObjectNode o = EventCodec.MAPPER.createObjectNode();
        o.put("v", Event.SCHEMA_VERSION);
        if (r.errorCode() == null) {
            o.put("type", "reply");
            o.put("id", r.id());
            o.set("result", EventCodec.MAPPER.valueToTree(r.result()));
        } else {
            o.put("type", "error");
            o.put("id", r.id());
            ObjectNode e = o.putObject("error");
            e.put("code", r.errorCode());
            e.put("message", r.message());
        }
        return EventCodec.line(o);
    }
}

package io.dwcp.agent.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ops.Transports;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestHandler;
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
    private final Clients clients = new Clients();
    private volatile RequestHandler handler;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    public SocketServer(AgentConfig.Socket config, MeterRegistry registry) {
        this.config = config;
        this.metrics = new SocketMetrics(registry);
    }

    /** Requests are answered by this handler; set before clients connect. */
    public void attach(RequestHandler h) {
        this.handler = h;
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
                        if (clients.sessions.size() >= config.maxClients()) {
                            metrics.refused.increment();
                            LOG.warn("refusing socket client: {} clients already connected (dwcp.socket.max-clients)",
                                    config.maxClients());
                            ch.close();
                            return;
                        }
                        ClientSession s = new ClientSession(ch, config.clientBufferEvents(), metrics);
                        ch.pipeline().addLast(new RequestFrameDecoder(config.maxRequestBytes()));
                        ch.pipeline().addLast(new ClientHandler(s, clients, config, metrics, () -> handler));
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
            throw new io.dwcp.agent.config.StartupException("cannot listen on Unix socket " + path + " (dwcp.socket.path): "
                    + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | UnsupportedOperationException e) {
            close();
            throw new io.dwcp.agent.config.StartupException("cannot set mode 0660 on " + path + ": " + e.getMessage(), e);
        }
        LOG.info("socket listening on {} (mode 0660, {})", path, Transports.name());
    }

    /** Creates the parent directory; removes a stale socket file; refuses to clobber anything else. */
    static void prepare(Path path) {
        Path dir = path.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new io.dwcp.agent.config.StartupException("cannot create socket directory " + dir + " (dwcp.socket.path): " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new io.dwcp.agent.config.StartupException("socket directory " + dir + " is not writable (dwcp.socket.path)", null);
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean isSocket;
        try {
            isSocket = "socket".equals(fileType(path));
        } catch (IOException e) {
            throw new io.dwcp.agent.config.StartupException("cannot inspect " + path + ": " + e, e);
        }
        if (!isSocket) {
            throw new io.dwcp.agent.config.StartupException(path + " exists and is not a socket; refusing to replace it (dwcp.socket.path)", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new io.dwcp.agent.config.StartupException("another process is listening on " + path + " (dwcp.socket.path)", null);
        } catch (IOException refused) {
            // Nobody home: a stale file from a crashed run.
            try {
                Files.deleteIfExists(path);
                LOG.info("removed stale socket file {}", path);
            } catch (IOException e) {
                throw new io.dwcp.agent.config.StartupException("cannot remove stale socket " + path + ": " + e, e);
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
        return clients.sessions.size();
    }

    @Override
    public void publish(Event event) {
        if (clients.sessions.isEmpty() && clients.named.isEmpty()) {
            return;
        }
        byte[] line = null;
        for (ClientSession s : clients.sessions) {
            if (s.named == null && s.wants(event.type())) {
                if (line == null) {
                    line = EventCodec.line(event);
                }
                s.offer(line);
            }
        }
        for (NamedSubscriber n : clients.named.values()) {
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
        for (ClientSession s : clients.sessions) {
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

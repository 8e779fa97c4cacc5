package io.dwcp.agent.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.ops.ThreadScheduling;
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
import java.nio.file.attribute.BasicFileAttributes;
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
    private volatile Channel server;
    private java.util.concurrent.ScheduledExecutorService watcher;
    private Object fileKey;
    private volatile boolean fileOk = true;
    private final RateLimitedLog refusedLog;
    private final ThreadScheduling scheduling;
    private final RateLimitedLog recreateLog;

    public SocketServer(AgentConfig.Socket config, MeterRegistry registry) {
        this(config, registry, ThreadScheduling.OFF);
    }

    /** As above; the loop that writes events to clients joins {@code scheduling}'s latency path. */
    public SocketServer(AgentConfig.Socket config, MeterRegistry registry, ThreadScheduling scheduling) {
        this.scheduling = scheduling;
        this.config = config;
        this.metrics = new SocketMetrics(registry);
        // Issue 17 item 4: one WARN per refused connection gave 45,335 lines in 5 s of churn.
        this.refusedLog = new RateLimitedLog(LOG, config.refusedLogInterval());
        this.recreateLog = new RateLimitedLog(LOG, config.refusedLogInterval());
    }

    /** Requests are answered by this handler; set before clients connect. */
    public void attach(RequestHandler h) {
        this.handler = h;
    }

    public synchronized void start() {
        Path path = config.path();
        prepare(path);
        boss = Transports.group(1, "dwcp-sock-accept");
        workers = Transports.group(1, scheduling.latencyThreads("dwcp-sock"));
        server = bind(path);
        LOG.info("socket listening on {} (mode 0660, {})", path, Transports.name());
        long every = config.checkInterval().toMillis();
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dwcp-sock-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::checkFile, every, every, TimeUnit.MILLISECONDS);
    }

    /** Binds the listening socket at {@code path} (free: see {@link #prepare}) and sets its mode. */
    private Channel bind(Path path) {
        ServerBootstrap b = new ServerBootstrap().group(boss, workers)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeLowWatermark(), config.writeHighWatermark()))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (clients.sessions.size() >= config.maxClients()) {
                            metrics.refused.increment();
                            refusedLog.warn("refusing socket client", config.maxClients()
                                    + " clients already connected (dwcp.socket.max-clients)");
                            ch.close();
                            return;
                        }
                        ClientSession s = new ClientSession(ch, config.clientBufferEvents(), metrics);
                        ch.pipeline().addLast(new RequestFrameDecoder(config.maxRequestBytes()));
                        ch.pipeline().addLast(new ClientHandler(s, clients, config, metrics, () -> handler));
                    }
                });
        Channel ch;
        try {
            if (Transports.epoll()) {
                b.channel(EpollServerDomainSocketChannel.class);
                ch = b.bind(new DomainSocketAddress(path.toFile())).syncUninterruptibly().channel();
            } else {
                b.channel(NioServerDomainSocketChannel.class);
                ch = b.bind(UnixDomainSocketAddress.of(path)).syncUninterruptibly().channel();
            }
        } catch (Exception e) { // Netty rethrows the checked bind error undeclared
            if (server == null) {
                shutdownGroups();
            }
            throw io.dwcp.agent.config.StartupException.mayHeal("cannot listen on Unix socket " + path + " (dwcp.socket.path): "
                    + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException | UnsupportedOperationException e) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            if (server == null) {
                shutdownGroups();
            }
            throw new io.dwcp.agent.config.StartupException("cannot set mode 0660 on " + path + ": " + e.getMessage(), e);
        }
        return ch;
    }

    /**
     * Issue 17 item 3: a socket file removed (or replaced) while the agent runs left the listener bound to a
     * name nobody could reach, with {@code /health} still UP. Every {@code dwcp.socket.check-interval} this
     * checks that the path is still our socket (same inode); if not, it binds a new listener at the path (the
     * connected clients keep their connections) and logs it. While that fails, {@link #isActive()} is false, so
     * {@code /health} says DOWN and the watchdog stops; it is tried again at the next check.
     */
    private synchronized void checkFile() {
        if (server == null || watcher == null || watcher.isShutdown()) {
            return;
        }
        Path path = config.path();
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException gone) {
            key = null;
        }
        if (key != null && key.equals(fileKey)) {
            fileOk = true;
            return;
        }
        fileOk = false;
        try {
            prepare(path); // refuses to clobber what someone else put there
            // Netty deletes the socket file when a listener closes: close the orphaned one before binding anew.
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            server = bind(path);
            fileOk = true;
            metrics.recreated.increment();
            LOG.warn("socket file {} was {}; listening there again (connected clients kept)", path,
                    key == null ? "removed" : "replaced");
        } catch (RuntimeException e) {
            recreateLog.warn("socket file " + path + " is gone and cannot be recreated (health DOWN until it is)",
                    String.valueOf(e.getMessage()));
        }
    }

    /** Creates the parent directory; removes a stale socket file; refuses to clobber anything else. */
    static void prepare(Path path) {
        Path dir = path.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw io.dwcp.agent.config.StartupException.mayHeal("cannot create socket directory " + dir + " (dwcp.socket.path): " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw io.dwcp.agent.config.StartupException.mayHeal("socket directory " + dir + " is not writable (dwcp.socket.path)", null);
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
            throw io.dwcp.agent.config.StartupException.mayHeal("another process is listening on " + path + " (dwcp.socket.path)", null);
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

    /** Listening, at the configured path (see {@link #checkFile()}). */
    public boolean isActive() {
        Channel c = server;
        return c != null && c.isActive() && fileOk;
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
        if (watcher != null) {
            watcher.shutdownNow();
        }
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

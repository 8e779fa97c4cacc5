package io.dwcp.agent.ops;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's {@code sd_notify(3)} protocol for a {@code Type=notify} unit: datagrams such as
 * {@code READY=1}, {@code STATUS=...}, {@code WATCHDOG=1} and {@code STOPPING=1} sent to the Unix datagram
 * socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name written {@code @name}).
 *
 * <p>Sent with Netty's native {@link EpollDomainDatagramChannel}: the JDK has no Unix datagram sockets and
 * the SDNotify/jsystemd artifacts do not resolve from our repositories (issue 6), and shelling out to
 * {@code systemd-notify} from a JVM would be attributed to the wrong PID under {@code NotifyAccess=main}.
 *
 * <p>With {@code NOTIFY_SOCKET} unset (not under systemd), or epoll unavailable, every method is a no-op;
 * the latter is logged once. A datagram that cannot be sent is logged (rate-limited) and dropped: systemd
 * notification is never a reason for the agent to fail.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread; the watchdog runs on its own daemon thread.
 */
public final class SdNotify implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotify.class);
    private static final long SEND_TIMEOUT_MS = 1000;
    /** How often STATUS= is refreshed when no watchdog asks for something faster. */
    static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(10);

    private final String socketName;
    private final Duration watchdogInterval;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(60));
    private EventLoopGroup group;
    private Channel channel;
    private DomainSocketAddress target;
    private ScheduledExecutorService ticker;
    private volatile boolean stopping;
    private final boolean haltOnDeadline;

    private SdNotify(String socketName, Duration watchdogInterval, boolean haltOnDeadline) {
        this.socketName = socketName;
        this.watchdogInterval = watchdogInterval;
        this.haltOnDeadline = haltOnDeadline;
    }

    /** From the process environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}). */
    public static SdNotify fromEnvironment() {
        SdNotify n = from(System.getenv(), ProcessHandle.current().pid());
        return n.enabled() ? new SdNotify(n.socketName, n.watchdogInterval, true) : n;
    }

    /**
     * From an environment map: disabled without {@code NOTIFY_SOCKET}; the watchdog interval is half of
     * {@code WATCHDOG_USEC}, and off when that is unset, not a positive number, or when {@code WATCHDOG_PID}
     * names another process (systemd meant the watchdog for it, see sd_watchdog_enabled(3)). Unlike
     * {@link #fromEnvironment()} it never arms {@link StopDeadline} (tests share the JVM).
     */
    public static SdNotify from(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return new SdNotify(null, null, false);
        }
        Duration watchdog = null;
        String usec = env.get("WATCHDOG_USEC");
        String wpid = env.get("WATCHDOG_PID");
        if (usec != null && !usec.isBlank() && (wpid == null || wpid.isBlank() || wpid.trim().equals(Long.toString(pid)))) {
            try {
                long us = Long.parseLong(usec.trim());
                if (us > 0) {
                    watchdog = Duration.ofNanos(us * 1000 / 2);
                }
            } catch (NumberFormatException e) {
                LOG.warn("ignoring WATCHDOG_USEC={}: not a number", usec);
            }
        }
        return new SdNotify(socket, watchdog, false);
    }

    /** True when running under systemd with a notify socket. */
    public boolean enabled() {
        return socketName != null;
    }

    /** Half of {@code WATCHDOG_USEC}, or null when systemd asked for no watchdog. */
    public Duration watchdogInterval() {
        return watchdogInterval;
    }

    /**
     * The agent is up: sends {@code READY=1} with the first {@code STATUS=}, then every watchdog interval
     * (or every 10 s without a watchdog) refreshes {@code STATUS=} and, only while {@code healthy} says so,
     * sends {@code WATCHDOG=1}; so a wedged worker or a lost listener gets the unit restarted by systemd.
     */
    public void ready(Supplier<String> status, BooleanSupplier healthy) {
        if (!enabled()) {
            return;
        }
        boolean sent = send("READY=1\nSTATUS=" + safeStatus(status));
        Duration every = watchdogInterval != null ? watchdogInterval : DEFAULT_STATUS_INTERVAL;
        synchronized (this) {
            if (ticker != null) {
                return;
            }
            ticker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("dwcp-sd-notify-tick", true));
            ticker.scheduleAtFixedRate(() -> tick(status, healthy), every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
        }
        LOG.info("systemd: READY=1 {} {}; {}", sent ? "sent to" : "NOT delivered to", socketName, watchdogInterval != null
                ? "watchdog every " + watchdogInterval.toMillis() + " ms while healthy" : "no watchdog");
    }

    private void tick(Supplier<String> status, BooleanSupplier healthy) {
        if (stopping) {
            return;
        }
        try {
            boolean ok = healthy.getAsBoolean();
            StringBuilder msg = new StringBuilder("STATUS=").append(ok ? "" : "UNHEALTHY; ").append(safeStatus(status));
            if (ok && watchdogInterval != null) {
                msg.append("\nWATCHDOG=1");
            }
            send(msg.toString());
        } catch (RuntimeException e) {
            failures.warn("systemd notify tick failed", e.toString());
        }
    }

    private static String safeStatus(Supplier<String> status) {
        try {
            // One line: STATUS= ends at the newline (the protocol is newline-separated assignments).
            return status.get().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "status unavailable: " + e;
        }
    }

    /** Sends {@code STATUS=...}. */
    public void status(String text) {
        if (enabled()) {
            send("STATUS=" + text.replace('\n', ' '));
        }
    }

    /**
     * Sends {@code STOPPING=1}, stops the watchdog and arms {@link StopDeadline}: shutdown has begun and
     * will end within {@link StopDeadline#DEFAULT}.
     */
    public void stopping() {
        if (!enabled()) {
            return;
        }
        stopping = true;
        if (haltOnDeadline) {
            StopDeadline.arm(StopDeadline.DEFAULT);
        }
        synchronized (this) {
            if (ticker != null) {
                ticker.shutdownNow();
            }
        }
        send("STOPPING=1\nSTATUS=stopping: ingest closed first, then pipeline drain and socket flush");
    }

    /**
     * Sends one datagram (newline-separated assignments), waiting at most a second.
     *
     * @return whether it was handed to the kernel
     */
    public synchronized boolean send(String state) {
        if (!enabled()) {
            return false;
        }
        try {
            if (channel == null && !open()) {
                return false;
            }
            ChannelFuture f = channel.writeAndFlush(new DomainDatagramPacket(
                    Unpooled.copiedBuffer(state, StandardCharsets.UTF_8), target));
            if (!f.awaitUninterruptibly(SEND_TIMEOUT_MS)) {
                failures.warn("systemd notify to " + socketName, "timed out");
                return false;
            }
            if (!f.isSuccess()) {
                failures.warn("systemd notify to " + socketName + " failed", String.valueOf(f.cause()));
                return false;
            }
            return true;
        } catch (RuntimeException | LinkageError e) {
            failures.warn("systemd notify to " + socketName + " failed", e.toString());
            return false;
        }
    }

    private boolean open() {
        if (!Epoll.isAvailable()) {
            failures.warn("systemd notify disabled, native epoll unavailable", String.valueOf(Epoll.unavailabilityCause()));
            return false;
        }
        // "@name" is an abstract socket: the name starts with a NUL byte and is not NUL-terminated.
        String name = socketName.startsWith("@") ? "\0" + socketName.substring(1) : socketName;
        target = new DomainSocketAddress(name);
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dwcp-sd-notify", true),
                EpollIoHandler.newFactory());
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                // Unbound and unconnected: each datagram names its target (sendto), so a notify socket that
                // systemd re-creates is still reached. Netty needs to be told such a channel is usable.
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .handler(new ChannelInboundHandlerAdapter())
                .register().syncUninterruptibly().channel();
        return true;
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (this) {
            if (ticker != null) {
                ticker.shutdownNow();
            }
            if (channel != null) {
                channel.close().awaitUninterruptibly(SEND_TIMEOUT_MS);
                channel = null;
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                group = null;
            }
        }
    }
}

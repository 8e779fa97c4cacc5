package io.dwcp.agent.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify against a real Unix datagram socket standing in for systemd's {@code $NOTIFY_SOCKET}: a path
 * socket and an abstract {@code @name} one; READY with STATUS, WATCHDOG at half of WATCHDOG_USEC only while
 * healthy, STOPPING ends the watchdog.
 */
@Timeout(30)
class SdNotifyTest {
    record Datagram(String text, long nanos) {}

    private EventLoopGroup group;
    private Channel receiver;
    private final List<Datagram> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void epoll() {
        assumeTrue(Epoll.isAvailable(), "native epoll unavailable: " + Epoll.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** Binds the stand-in for systemd's notify socket; {@code name} starting with NUL = abstract. */
    private void listen(String name) {
        receiver = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        received.add(new Datagram(p.content().toString(StandardCharsets.UTF_8), System.nanoTime()));
                    }
                })
                .bind(new DomainSocketAddress(name)).syncUninterruptibly().channel();
    }

    private List<Datagram> containing(String line) {
        List<Datagram> out = new ArrayList<>();
        for (Datagram d : received) {
            if (d.text().lines().anyMatch(line::equals)) {
                out.add(d);
            }
        }
        return out;
    }

    @Test
    void disabledWithoutNotifySocket() {
        try (SdNotify n = SdNotify.from(Map.of("WATCHDOG_USEC", "1000000"), 1)) {
            assertFalse(n.enabled());
            assertFalse(n.send("READY=1"));
            n.ready(() -> "x", () -> true); // no thread, no error
            n.stopping();
        }
    }

    @Test
    void readyWithStatusToPathSocket(@TempDir Path dir) {
        String path = dir.resolve("notify").toString();
        listen(path);
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", path), 1)) {
            assertTrue(n.enabled());
            assertNull(n.watchdogInterval());
            n.ready(() -> "epoll; models a, b, c, d", () -> true);
            await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
            assertEquals("READY=1\nSTATUS=epoll; models a, b, c, d", received.get(0).text());
        }
    }

    @Test
    void abstractAddress() {
        String name = "dwcp-sdnotify-test-" + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1 << 30);
        listen("\0" + name);
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", "@" + name), 1)) {
            assertTrue(n.send("READY=1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !containing("READY=1").isEmpty());
        }
    }

    @Test
    void watchdogAtHalfTheIntervalWhileHealthyThenStopping(@TempDir Path dir) {
        String path = dir.resolve("notify").toString();
        listen(path);
        AtomicBoolean healthy = new AtomicBoolean(true);
        // WATCHDOG_USEC=400 ms → a ping every 200 ms.
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "400000", "WATCHDOG_PID", "42"), 42)) {
            assertEquals(Duration.ofMillis(200), n.watchdogInterval());
            n.ready(() -> "ok", healthy::get);
            await().atMost(Duration.ofSeconds(10)).until(() -> containing("WATCHDOG=1").size() >= 6);
            List<Datagram> pings = containing("WATCHDOG=1");
            long first = pings.get(0).nanos();
            long last = pings.get(pings.size() - 1).nanos();
            double meanMs = (last - first) / 1e6 / (pings.size() - 1);
            // Fixed-rate schedule: the mean spacing is the interval; well inside WATCHDOG_USEC either way.
            assertTrue(meanMs > 150 && meanMs < 300, "mean watchdog spacing " + meanMs + " ms");
            assertTrue(pings.get(0).text().contains("STATUS=ok"));

            // Unhealthy: STATUS says so and WATCHDOG=1 stops, so systemd restarts a wedged agent.
            healthy.set(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(d -> d.text().startsWith("STATUS=UNHEALTHY")));
            int before = containing("WATCHDOG=1").size();
            long since = System.nanoTime();
            await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertTrue(received.stream().filter(d -> d.nanos() > since).noneMatch(d -> d.text().contains("WATCHDOG=1")));
            assertEquals(before, containing("WATCHDOG=1").size());

            healthy.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> containing("WATCHDOG=1").size() > before);

            n.stopping();
            await().atMost(Duration.ofSeconds(5)).until(() -> !containing("STOPPING=1").isEmpty());
            long stoppedAt = containing("STOPPING=1").get(0).nanos();
            await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertTrue(received.stream().filter(d -> d.nanos() > stoppedAt).noneMatch(d -> d.text().contains("WATCHDOG=1")),
                    "no watchdog after STOPPING=1");
        }
    }

    @Test
    void watchdogMeantForAnotherPidIsIgnored() {
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", "/nonexistent", "WATCHDOG_USEC", "400000", "WATCHDOG_PID", "7"), 8)) {
            assertNull(n.watchdogInterval());
        }
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", "/nonexistent", "WATCHDOG_USEC", "soon"), 8)) {
            assertNull(n.watchdogInterval());
        }
    }

    @Test
    void unreachableSocketIsNotAnError() {
        try (SdNotify n = SdNotify.from(Map.of("NOTIFY_SOCKET", "/nonexistent/notify"), 1)) {
            assertFalse(n.send("READY=1"));
        }
    }
}

package io.dwcp.agent.sink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.protocol.PredictionError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The socket server on a real Unix socket in a temp dir: its file, and its refusals. */
@Timeout(60)
class SocketServerFileTest {
    @TempDir
    Path dir;
    SocketServer server;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<SocketChannel> open = new ArrayList<>();

    SocketServer start(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("dwcp.socket.path", dir.resolve("agent.sock").toString());
        server = new SocketServer(AgentConfig.from(k -> Optional.ofNullable(m.get(k))).socket(), registry);
        server.start();
        return server;
    }

    SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
        open.add(c);
        return c;
    }

    @AfterEach
    void stop() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Issue 17 item 3: with the file removed, /health stayed UP for 30+ s and new clients got "no such file".
     * Now the file is back within 5 s, new clients connect, and connected ones keep their stream.
     */
    @Test
    void removedSocketFileIsRecreatedWithinFiveSecondsAndClientsKeepTheirConnection() throws Exception {
        start(Map.of("dwcp.socket.check-interval", "1s"));
        Path sock = dir.resolve("agent.sock");
        SocketChannel before = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.clients() == 1);

        Files.delete(sock);
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(sock));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertTrue(server.isActive());
        assertEquals(1.0, registry.get("dwcp.socket.recreated").counter().count());

        SocketChannel after = connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.clients() == 2);
        server.publish(new PredictionError("m", "a", "b", "error", "x", "t"));
        for (SocketChannel c : List.of(before, after)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"prediction_error\""));
        }
    }

    /** When the file cannot be recreated (here: a directory put in its place), health is DOWN, not UP. */
    @Test
    void socketPathTakenBySomethingElseMakesTheServerInactive() throws Exception {
        start(Map.of("dwcp.socket.check-interval", "200ms"));
        Path sock = dir.resolve("agent.sock");
        Files.delete(sock);
        Files.createDirectory(sock);
        await().atMost(Duration.ofSeconds(5)).until(() -> !server.isActive());
        Files.delete(sock);
        await().atMost(Duration.ofSeconds(5)).until(server::isActive);
        connect();
    }

    /**
     * Issue 17 item 4: one WARN per refused connection (45,335 lines in 5 s of churn). Now every refusal is
     * counted and at most one line per dwcp.socket.refused-log-interval is logged, with the hidden count.
     */
    @Test
    void refusedConnectionsAreCountedButLoggedAtMostOncePerInterval() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(SocketServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            start(Map.of("dwcp.socket.max-clients", "1", "dwcp.socket.refused-log-interval", "1h"));
            connect();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.clients() == 1);
            int refused = 300;
            for (int i = 0; i < refused; i++) {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> registry.get("dwcp.socket.connections.refused").counter().count() == refused);
            long warnings = lines.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("refusing")).count();
            assertEquals(1, warnings, "one line per interval, not one per refusal");
        } finally {
            log.detachAppender(lines);
        }
    }
}

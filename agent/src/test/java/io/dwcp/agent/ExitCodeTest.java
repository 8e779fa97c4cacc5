package io.dwcp.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.config.ConfigException;
import io.dwcp.agent.config.StartupException;
import io.dwcp.agent.ingest.IngestMetrics;
import io.dwcp.agent.ingest.UdpIngestServer;
import io.dwcp.agent.sink.SocketServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 9: start-up failures that may heal exit 75 (systemd restarts), configuration errors keep 2
 * (RestartPreventExitStatus=2), anything unexpected exits 1 (restarted within the start limit). Before, every
 * failure exited 2 and a port still held by a stopping process left the unit failed.
 */
class ExitCodeTest {
    @TempDir
    Path dir;

    static AgentConfig config(Map<String, String> m) {
        return AgentConfig.from(k -> Optional.ofNullable(m.get(k)));
    }

    @Test
    void udpPortInUseMayHeal() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            UdpIngestServer udp = new UdpIngestServer(
                    config(Map.of("dwcp.ingest.port", String.valueOf(taken.getLocalPort()))).ingest(),
                    r -> true, new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10)));
            RuntimeException e = assertThrows(RuntimeException.class, udp::start);
            assertEquals(StartupException.EXIT_MAY_HEAL, Application.exitCode(e), e.getMessage());
        }
    }

    @Test
    void socketDirectoryThatCannotBeCreatedMayHeal() throws Exception {
        Path notADir = Files.createFile(dir.resolve("run"));
        SocketServer s = new SocketServer(config(Map.of("dwcp.socket.path", notADir.resolve("agent.sock").toString()))
                .socket(), new SimpleMeterRegistry());
        RuntimeException e = assertThrows(RuntimeException.class, s::start);
        assertEquals(StartupException.EXIT_MAY_HEAL, Application.exitCode(e), e.getMessage());
    }

    @Test
    void socketPathHeldByAnotherFileNeedsTheOperator() throws Exception {
        Path file = Files.createFile(dir.resolve("agent.sock"));
        SocketServer s = new SocketServer(config(Map.of("dwcp.socket.path", file.toString())).socket(),
                new SimpleMeterRegistry());
        RuntimeException e = assertThrows(RuntimeException.class, s::start);
        assertEquals(StartupException.EXIT_CONFIG, Application.exitCode(e), e.getMessage());
    }

    @Test
    void invalidConfigurationExitsTwoEvenWhenWrapped() {
        ConfigException c = assertThrows(ConfigException.class, () -> config(Map.of("dwcp.ingest.port", "70000")));
        assertEquals(2, Application.exitCode(c));
        assertEquals(2, Application.exitCode(new IllegalStateException("bean failed", c)));
    }

    @Test
    void unexpectedFailureExitsOne() {
        assertEquals(1, Application.exitCode(new IllegalStateException("boom")));
    }
}

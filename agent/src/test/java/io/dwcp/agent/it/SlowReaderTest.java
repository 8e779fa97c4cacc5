package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.AgentService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that connects and never reads must not slow ingest or other clients; what it misses is counted,
 * and once it is gone, queued = written + dropped holds exactly.
 */
@Timeout(120)
class SlowReaderTest {
    @Test
    void stalledReaderDropsOldestAndEverythingIsAccountedFor() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-slow");
        Path sock = dir.resolve("agent.sock");
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "micronaut.server.port", -1,
                "dwcp.ingest.port", 0,
                "dwcp.socket.path", sock.toString(),
                "dwcp.socket.client-buffer-events", 2000,
                "dwcp.socket.write-high-watermark", 8192,
                "dwcp.socket.write-low-watermark", 4096));
             DatagramSocket sender = new DatagramSocket()) {
            AgentService agent = ctx.getBean(AgentService.class);
            MeterRegistry reg = ctx.getBean(MeterRegistry.class);
            SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX);
            stalled.connect(UnixDomainSocketAddress.of(sock));
            try (LineClient fast = new LineClient(sock)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> agent.socket().clients() == 2);
                int links = 50;
                int rounds = 200; // 50 × 200 = 10,000 samples → 9,550 predictions per client (~3 MB each)
                for (int r = 0; r < rounds; r++) {
                    StringBuilder sb = new StringBuilder();
                    for (int l = 0; l < links; l++) {
                        sb.append("dwcp_link,node_id=s,peer_id=p").append(l)
                                .append(" bandwidth_mbps=").append(100 + r).append(",latency_ms=5\n");
                    }
                    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                    sender.send(new DatagramPacket(b, b.length, agent.udpAddress()));
                    // Pace by the reading client: whatever the machine's speed, it is never the bottleneck,
                    // while the stalled client's buffers (~3k events) must overflow over the whole run.
                    int due = links * Math.max(0, r - 8);
                    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(20))
                            .until(() -> fast.lines.size() >= due);

                }
                int expected = links * (rounds - 9);
                await().atMost(Duration.ofSeconds(60)).until(() -> count(reg, "dwcp.predictions", "model", "bandwidth") >= expected);
                // The fast reader got every event although the other client never read a byte.
                // Other event types (transfer advice, degradation forecasts) ride along; count the forecasts.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(expected, fast.lines.stream()
                        .filter(n -> "bandwidth_prediction".equals(n.path("type").asText())).count(),
                        "fast reader; slow_client drops so far " + count(reg, "dwcp.socket.events.dropped", "reason", "slow_client")));
                assertTrue(count(reg, "dwcp.socket.events.dropped", "reason", "slow_client") > 0, "stalled client dropped");
            }
            stalled.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> agent.socket().clients() == 0);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                double queued = reg.get("dwcp.socket.events.queued").counter().count();
                double written = reg.get("dwcp.socket.events.written").counter().count();
                double slow = count(reg, "dwcp.socket.events.dropped", "reason", "slow_client");
                double gone = count(reg, "dwcp.socket.events.dropped", "reason", "disconnected");
                assertEquals(queued, written + slow + gone, 0.0,
                        "queued=" + queued + " written=" + written + " slow=" + slow + " disconnected=" + gone);
            });
        }
    }

    static double count(MeterRegistry reg, String name, String tag, String value) {
        return reg.get(name).tag(tag, value).counter().count();
    }
}

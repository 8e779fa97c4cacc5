package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.AgentService;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UDP sent faster than the agent can read, into the smallest receive buffer it allows: every datagram must
 * end as one the agent read or one the kernel counted as dropped. The GCs between the flood and the
 * check matter: the kernel-drop counter once lived in an object only Micrometer's weak reference held, so it
 * froze at 0 after the first collection while the kernel dropped hundreds of thousands of datagrams.
 */
@Timeout(120)
class IngestLossAccountingTest {

    @Test
    void everyDatagramIsReadOrCountedByTheKernel() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-loss");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "dwcp.ingest.port", 0,
                "dwcp.ingest.receive-buffer-bytes", 64 * 1024,
                "dwcp.degradation.enabled", false,
                "dwcp.socket.path", dir.resolve("agent.sock").toString()));
             DatagramSocket sender = new DatagramSocket()) {
            AgentService agent = server.getApplicationContext().getBean(AgentService.class);
            InetSocketAddress udp = agent.udpAddress();
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            String before = AgentIntegrationTest.get(server, "/metrics");
            double datagrams0 = nz(AgentIntegrationTest.metric(before, "dwcp_ingest_datagrams_total", ""));
            double kernel0 = nz(AgentIntegrationTest.metric(before, "dwcp_ingest_kernel_drops_total", ""));
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                byte[] b = ("dwcp_link,node_id=flood,peer_id=p" + (i % 50) + " bandwidth_mbps=" + (100 + i % 7)
                        + ",latency_ms=10").getBytes(StandardCharsets.US_ASCII);
                sender.send(new DatagramPacket(b, b.length, udp));
            }
            System.gc();
            double[] last = new double[2];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                String t = AgentIntegrationTest.get(server, "/metrics");
                last[0] = AgentIntegrationTest.metric(t, "dwcp_ingest_datagrams_total", "") - datagrams0;
                last[1] = nz(AgentIntegrationTest.metric(t, "dwcp_ingest_kernel_drops_total", "")) - kernel0;
                assertEquals(n, last[0] + last[1], 0.0, "read=" + last[0] + " kernel drops=" + last[1]);
            });
            // The flood must have overflowed the buffer, or this test checked nothing about the kernel's count.
            assertTrue(last[1] > 0, "no kernel drops: read=" + last[0]);
        }
    }

    private static double nz(double d) {
        return Double.isNaN(d) ? 0 : d;
    }
}

package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.AgentService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader (the Go process) dies mid-stream and comes back: a named client resumes after the last
 * {@code seq} it received. Within the backlog bound every event arrives exactly once; beyond it, exactly the
 * events that did not fit are counted dropped. In both cases {@code sent = delivered + counted drops}.
 */
@Timeout(120)
class ReaderRestartTest {
    static final int BACKLOG = 1000;
    static final int LINKS = 20;

    /** A named reader that kills its own connection (unread bytes and all) once it has read seq {@code killAt}. */
    static final class Reader implements AutoCloseable {
        final SocketChannel ch;
        final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
        final List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread thread;
        volatile boolean dead;

        Reader(Path sock, String resumeAfter, long killAt) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(sock));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            thread = new Thread(() -> {
                try {
                    for (String l; (l = in.readLine()) != null; ) {
                        JsonNode n = LineClient.M.readTree(l);
                        if (n.has("seq")) {
                            assertEquals("bandwidth_prediction", n.path("type").asText());
                            long s = n.get("seq").asLong();
                            seqs.add(s);
                            if (s == killAt) {
                                ch.close(); // abrupt: whatever the kernel still holds for us is gone
                                break;
                            }
                        } else if (n.has("id")) {
                            replies.add(n);
                        }
                    }
                } catch (IOException ignored) {
                    // closed
                } finally {
                    dead = true;
                }
            }, "reader");
            thread.setDaemon(true);
            thread.start();
            String line = "{\"id\":\"hello\",\"method\":\"subscribe\",\"params\":{\"client\":\"go-reader\","
                    + "\"types\":[\"bandwidth_prediction\"]" + (resumeAfter == null ? "" : ",\"resume_after\":" + resumeAfter) + "}}\n";
            ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        JsonNode hello() throws InterruptedException {
            JsonNode r = replies.poll(10, TimeUnit.SECONDS);
            assertTrue(r != null && "reply".equals(r.path("type").asText()), "subscribe reply: " + r);
            return r.get("result");
        }

        long last() {
            return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    void namedReaderKilledMidStreamResumesWithEverythingInsideTheBoundAndCountsTheRest() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-restart");
        Path sock = dir.resolve("agent.sock");
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "micronaut.server.port", -1,
                "dwcp.ingest.port", 0,
                "dwcp.socket.path", sock.toString(),
                "dwcp.socket.backlog-events", BACKLOG,
                "dwcp.socket.write-high-watermark", 8192,
                "dwcp.socket.write-low-watermark", 4096));
             DatagramSocket sender = new DatagramSocket()) {
            AgentService agent = ctx.getBean(AgentService.class);
            MeterRegistry reg = ctx.getBean(MeterRegistry.class);
            int[] round = {0};
            Runnable rounds = null;
            List<Reader> readers = new ArrayList<>();

            // 1. Connected; killed after seq 900 while 1,020 are produced; 800 more produced while it is away.
            //    Unread at the kill + produced while away = 1,820 - 900 = 920 <= 1,000: nothing may be lost.
            Reader r1 = new Reader(sock, null, 900);
            readers.add(r1);
            JsonNode h1 = r1.hello();
            assertFalse(h1.path("resumed").asBoolean());
            assertEquals(1, h1.path("next_seq").asLong());
            send(sender, agent, reg, round, 60);
            await().atMost(Duration.ofSeconds(20)).until(() -> r1.dead);
            send(sender, agent, reg, round, 40);
            assertEquals(1820, predictions(reg), 0.0);

            Reader r2 = new Reader(sock, Long.toString(r1.last()), 2300);
            readers.add(r2);
            JsonNode h2 = r2.hello();
            assertTrue(h2.path("resumed").asBoolean());
            assertEquals(901, h2.path("next_seq").asLong());
            assertEquals(0, h2.path("missed").asLong());
            await().atMost(Duration.ofSeconds(20)).until(() -> r2.seqs.size() == 920);
            assertEquals(0, drops(reg), 0.0, "within the bound nothing is dropped");

            // 2. Killed after seq 2300 while 2,000 more are produced, then 2,000 more while it is away:
            //    5,820 - 2,300 = 3,520 unread, of which the newest 1,000 are kept and 2,520 counted.
            send(sender, agent, reg, round, 100);
            await().atMost(Duration.ofSeconds(20)).until(() -> r2.dead);
            send(sender, agent, reg, round, 100);
            assertEquals(5820, predictions(reg), 0.0);

            Reader r3 = new Reader(sock, Long.toString(r2.last()), -1);
            readers.add(r3);
            JsonNode h3 = r3.hello();
            assertEquals(2300 + 2520 + 1, h3.path("next_seq").asLong());
            assertEquals(2520, h3.path("missed").asLong());
            assertEquals(5820, h3.path("last_seq").asLong());
            await().atMost(Duration.ofSeconds(20)).until(() -> r3.seqs.size() == BACKLOG);

            // Exactly once, in order, and every event accounted for.
            BitSet seen = new BitSet();
            for (Reader r : readers) {
                long prev = -1;
                for (long s : r.seqs) {
                    assertFalse(seen.get((int) s), "seq " + s + " delivered twice");
                    seen.set((int) s);
                    assertTrue(prev < 0 || s == prev + 1, "in order within a connection: " + prev + " then " + s);
                    prev = s;
                }
            }
            long sent = h3.path("last_seq").asLong();
            long delivered = seen.cardinality();
            assertEquals(sent, (long) predictions(reg), "every prediction was sequenced for the reader");
            assertEquals(sent, delivered + (long) drops(reg),
                    "sent=" + sent + " delivered=" + delivered + " drops=" + drops(reg));
            assertEquals(2520, drops(reg), 0.0);
            assertEquals(0, reg.get("dwcp.socket.events.dropped").tag("reason", "slow_client").counter().count(), 0.0);
            for (Reader r : readers) {
                r.close();
            }
        }
    }

    static double predictions(MeterRegistry reg) {
        return reg.get("dwcp.predictions").tag("model", "bandwidth").counter().count();
    }

    static double drops(MeterRegistry reg) {
        return reg.get("dwcp.socket.events.dropped").tag("reason", "backlog_full").counter().count()
                + reg.get("dwcp.socket.events.dropped").tag("reason", "slow_client").counter().count();
    }

    /** {@code n} rounds of one sample per link; each round after the ninth gives one prediction per link. */
    static void send(DatagramSocket sender, AgentService agent, MeterRegistry reg, int[] round, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            int r = round[0]++;
            StringBuilder sb = new StringBuilder();
            for (int l = 0; l < LINKS; l++) {
                sb.append("dwcp_link,node_id=k,peer_id=p").append(l).append(" bandwidth_mbps=").append(100 + r % 50)
                        .append(",latency_ms=5\n");
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            sender.send(new DatagramPacket(b, b.length, agent.udpAddress()));
            int due = LINKS * Math.max(0, r - 8);
            // Paced by the agent so no datagram is lost in the kernel: the count of events is then exact.
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(20))
                    .until(() -> predictions(reg) >= due);
        }
    }
}

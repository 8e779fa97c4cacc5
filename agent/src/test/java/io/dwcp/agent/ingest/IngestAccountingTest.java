package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 17: every datagram ends in accepted records or counted drops, blank and comment-only ones included
 * (item 7), and what a drop logs cannot forge log lines or drive a terminal (item 4).
 */
class IngestAccountingTest {
    final InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 9);

    DatagramPacket packet(String s) {
        return new DatagramPacket(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8), addr, addr);
    }

    static double rejectedTotal(IngestMetrics m) {
        double n = 0;
        for (RejectReason r : RejectReason.values()) {
            n += m.rejectedCount(r);
        }
        return n;
    }

    @Test
    void everyDatagramIsAccountedFor() {
        List<MetricRecord> q = new ArrayList<>();
        IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(new SniffingDecoder(300_000, 65_507), q::add, m));
        List<String> datagrams = List.of("# only a comment", "# one\n# two\n", "\n", "\r\n\r\n", "   ", "", "[]",
                "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2", "garbage", "\t");
        for (String d : datagrams) {
            double before = m.acceptedCount() + rejectedTotal(m);
            ch.writeInbound(packet(d));
            assertTrue(m.acceptedCount() + rejectedTotal(m) > before, () -> "not counted: '" + d + "'");
        }
        assertEquals(datagrams.size(), m.datagramCount());
        assertEquals(datagrams.size(), m.acceptedCount() + rejectedTotal(m), "one outcome per one-record datagram");
    }

    @Test
    void blankAndCommentOnlyDatagramsAreEmptyNotMalformed() {
        for (String d : List.of("# only a comment", "\n", "\r\n\r\n", "   ", "", "[]", "#\tx\n  \n")) {
            CollectingSink s = new CollectingSink();
            byte[] b = d.getBytes(StandardCharsets.UTF_8);
            new SniffingDecoder(300_000, 65_507).decode(b, 0, b.length, 0, s);
            assertEquals(List.of(RejectReason.EMPTY), s.rejects, "'" + d + "'");
        }
    }

    @Test
    void aDatagramWithRecordsIsNotAlsoEmpty() {
        CollectingSink s = new CollectingSink();
        byte[] b = "# header\n\ngarbage\n".getBytes(StandardCharsets.UTF_8);
        new SniffingDecoder(300_000, 65_507).decode(b, 0, b.length, 0, s);
        assertEquals(List.of(RejectReason.MALFORMED), s.rejects);
    }

    @Test
    void controlCharactersFromInputAreEscapedInTheLog() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.dwcp.agent.ingest.rejected");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            List<String> attacks = List.of(
                    "{\"type\":\"x\\n2026-12-02 WARN forged line\\u001b[2J\\u001b[31m\\u0007\\u0085\\u2028\"}",
                    "{\"type\":\"link\",\"node_id\":\"a\\r\\nforged\",\"peer_id\":\"b\",\"bandwidth_mbps\":-1,\"latency_ms\":1}",
                    "bad\u001b[31m,x=1 f=NaN",
                    "x\u0000y,node_id=a f=1");
            for (String a : attacks) {
                // A fresh metrics object per datagram: a zero interval logs every drop.
                IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ZERO);
                EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(new SniffingDecoder(300_000, 65_507),
                        r -> true, m));
                ch.writeInbound(packet(a));
            }
            assertEquals(attacks.size(), appender.list.size(), appender.list.toString());
            for (ILoggingEvent e : appender.list) {
                String line = e.getFormattedMessage();
                for (char c : line.toCharArray()) {
                    assertTrue(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) && c != 0x2028,
                            () -> "raw control character " + (int) c + " in: " + line.replace("\u001b", "<ESC>"));
                }
            }
            String first = appender.list.get(0).getFormattedMessage();
            assertTrue(first.contains("x\\n2026-12-02 WARN forged line\\x1b[2J\\x1b[31m\\x07\\u0085\\u2028"), first);
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void longDetailsAreCut() {
        String s = LogText.escape("x".repeat(10_000));
        assertTrue(s.length() < 300, s);
        assertTrue(s.endsWith("…(9760 more chars)"), s);
        assertEquals("plain", LogText.escape("plain"));
        assertEquals("a\\tb\\x00", LogText.escape("a\tb\u0000"));
    }
}

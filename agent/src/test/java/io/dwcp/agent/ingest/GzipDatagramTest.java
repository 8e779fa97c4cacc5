package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** gzip datagrams (Telegraf's {@code content_encoding = "gzip"}, issue 18): inflated with a bound, drops by reason. */
class GzipDatagramTest {
    static final long NOW = 1_700_000_000_000L;
    static final String LINK = "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2";

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] gzip(String plain) {
        return gzip(plain.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static CollectingSink decode(IngestLimits limits, byte[] b) {
        CollectingSink sink = new CollectingSink();
        new SniffingDecoder(limits).decode(b, 0, b.length, NOW, sink);
        return sink;
    }

    static CollectingSink decode(byte[] b) {
        return decode(IngestLimits.defaults(300_000), b);
    }

    @Test
    void lineProtocolAndJsonInflate() {
        CollectingSink s = decode(gzip(LINK + "\n" + LINK.replace("peer_id=b", "peer_id=c") + "\n"));
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(2, s.records.size());
        s = decode(gzip("{\"type\":\"link\",\"node_id\":\"a\",\"peer_id\":\"b\",\"bandwidth_mbps\":1,\"latency_ms\":2}"));
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(1, s.records.size());
    }

    @Test
    void concatenatedMembersAreOneStream() {
        CollectingSink s = decode(concat(gzip(LINK + "\n"), gzip(LINK.replace("peer_id=b", "peer_id=c"))));
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(2, s.records.size());
    }

    @Test
    void optionalHeaderFieldsAreSkipped() {
        byte[] plain = gzip(LINK);
        // Same member with FNAME set and a file name after the 10-byte header.
        byte[] named = concat(Arrays.copyOf(plain, 10), "metrics.lp\0".getBytes(StandardCharsets.ISO_8859_1),
                Arrays.copyOfRange(plain, 10, plain.length));
        named[3] |= 8;
        CollectingSink s = decode(named);
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(1, s.records.size());
    }

    @Test
    void zipBombStopsAtTheBound() {
        byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros, ~64 KiB compressed
        byte[] datagram = Arrays.copyOf(bomb, Math.min(bomb.length, 65_507));
        CollectingSink s = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> decode(datagram));
        assertEquals(List.of(RejectReason.INFLATED_OVERSIZED), s.rejects, s.details.toString());
    }

    @Test
    void theBoundIsInclusive() {
        IngestLimits limits = new IngestLimits(300_000, 65_507, 256, 1024, 1000);
        String exactly = LINK + "\n" + " ".repeat(1000 - LINK.length() - 1);
        assertEquals(1000, exactly.length());
        CollectingSink s = decode(limits, gzip(exactly));
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(1, s.records.size());
        s = decode(limits, gzip(exactly + " "));
        assertEquals(List.of(RejectReason.INFLATED_OVERSIZED), s.rejects);
        assertEquals(0, s.records.size());
    }

    @Test
    void brokenGzipIsBadGzip() {
        byte[] ok = gzip(LINK);
        byte[] badCrc = ok.clone();
        badCrc[badCrc.length - 8] ^= 1;
        byte[] badSize = ok.clone();
        badSize[badSize.length - 1] ^= 1;
        byte[] badData = ok.clone();
        badData[12] ^= (byte) 0xff;
        byte[] badMethod = ok.clone();
        badMethod[2] = 7;
        List<byte[]> bad = List.of(
                Arrays.copyOf(ok, ok.length - 5), // trailer cut
                Arrays.copyOf(ok, 14), // data cut
                Arrays.copyOf(ok, 2), // magic only
                badCrc, badSize, badData, badMethod,
                concat(ok, "garbage".getBytes(StandardCharsets.US_ASCII)), // trailing bytes
                concat(ok, new byte[] {0x1f, (byte) 0x8b})); // a second member cut short
        for (byte[] b : bad) {
            CollectingSink s = decode(b);
            assertEquals(List.of(RejectReason.BAD_GZIP), s.rejects, s.details.toString());
            assertEquals(0, s.records.size());
        }
    }

    @Test
    void theCompressedSizeIsBoundedFirst() {
        byte[] big = gzip(LINK);
        IngestLimits limits = IngestLimits.defaults(300_000).withMaxDatagramBytes(big.length - 1);
        assertEquals(List.of(RejectReason.OVERSIZED), decode(limits, big).rejects);
    }

    @Test
    void anEmptyGzipIsAnEmptyDatagram() {
        assertEquals(List.of(RejectReason.EMPTY), decode(gzip("")).rejects);
        assertEquals(List.of(RejectReason.EMPTY), decode(gzip("# comment\n\n")).rejects);
    }

    @Test
    void dropsAreCountedByReasonOnTheListener() {
        List<MetricRecord> q = new ArrayList<>();
        IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(new SniffingDecoder(IngestLimits.defaults(300_000)),
                q::add, m));
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 9);
        byte[] ok = gzip(LINK);
        byte[] bomb = Arrays.copyOf(gzip(new byte[8 << 20]), 65_507);
        for (byte[] b : List.of(ok, bomb, Arrays.copyOf(ok, ok.length - 1))) {
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(b), addr, addr));
        }
        assertEquals(1, q.size());
        assertEquals(1, m.acceptedCount());
        assertEquals(1, m.rejectedCount(RejectReason.INFLATED_OVERSIZED));
        assertEquals(1, m.rejectedCount(RejectReason.BAD_GZIP));
    }
}

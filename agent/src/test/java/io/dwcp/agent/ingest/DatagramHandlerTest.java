package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class DatagramHandlerTest {
    final InetSocketAddress addr = new InetSocketAddress("127.0.0.1", 9);

    DatagramPacket packet(String s) {
        return new DatagramPacket(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8), addr, addr);
    }

    @Test
    void recordsReachTheQueueAndBadOnesAreCounted() {
        List<MetricRecord> q = new ArrayList<>();
        IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(new SniffingDecoder(300_000, 1024), q::add, m));
        ch.writeInbound(packet("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2"));
        ch.writeInbound(packet("garbage"));
        ch.writeInbound(packet("garbage x=1"));
        ch.writeInbound(packet("x".repeat(2000)));
        ch.writeInbound(packet("{\"type\":\"link\"}"));
        assertEquals(1, q.size());
        assertEquals(5, m.datagramCount());
        assertEquals(1, m.acceptedCount());
        assertEquals(1, m.rejectedCount(RejectReason.MALFORMED), "'garbage' has no field set: not line protocol");
        assertEquals(1, m.rejectedCount(RejectReason.UNKNOWN_MEASUREMENT), "'garbage x=1' is, of an unknown measurement");
        assertEquals(1, m.rejectedCount(RejectReason.OVERSIZED));
        assertEquals(1, m.rejectedCount(RejectReason.MISSING_TAG));
        assertTrue(ch.isActive(), "listener survives bad input");
    }

    @Test
    void fullQueueIsACountedDrop() {
        IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(new SniffingDecoder(300_000, 1024), r -> false, m));
        ch.writeInbound(packet("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2\n"
                + "dwcp_link,node_id=a,peer_id=c bandwidth_mbps=1,latency_ms=2"));
        assertEquals(0, m.acceptedCount());
        assertEquals(2, m.rejectedCount(RejectReason.QUEUE_FULL));
    }

    @Test
    void decoderBugCostsOneDatagramNotTheListener() {
        IngestMetrics m = new IngestMetrics(new SimpleMeterRegistry(), Duration.ofSeconds(10));
        MetricDecoder broken = (d, o, l, now, sink) -> {
            throw new IllegalStateException("bug");
        };
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramHandler(broken, r -> true, m));
        ch.writeInbound(packet("anything"));
        ch.writeInbound(packet("anything"));
        assertEquals(2, m.rejectedCount(RejectReason.MALFORMED));
        assertTrue(ch.isActive());
    }
}

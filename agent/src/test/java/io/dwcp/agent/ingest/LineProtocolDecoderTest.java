package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineProtocolDecoderTest {
    static final long NOW = 1_700_000_000_000L;
    final LineProtocolDecoder decoder = new LineProtocolDecoder(300_000);

    CollectingSink decode(String s) {
        return CollectingSink.decode(decoder, s, NOW);
    }

    @Test
    void parsesLinkSampleWithNanosecondTimestamp() {
        CollectingSink s = decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=940.5,latency_ms=12,packet_loss=0.001,jitter_ms=0.5 1699999999000000000");
        assertEquals(List.of(), s.rejects);
        MetricRecord r = s.records.get(0);
        assertEquals(Measurement.LINK, r.measurement());
        assertEquals("a", r.nodeId());
        assertEquals("b", r.peerId());
        assertEquals("a->b", r.key());
        assertEquals(1_699_999_999_000L, r.timestampMillis());
        assertArrayEquals(new double[] {940.5, 12, 0.001, 0.5}, r.values());
    }

    @Test
    void severalLinesPerDatagramEachJudgedAlone() {
        CollectingSink s = decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2\n"
                + "# a comment\n\n"
                + "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=-1,latency_ms=2\r\n"
                + "dwcp_link,node_id=a,peer_id=c bandwidth_mbps=3i,latency_ms=4u\n");
        assertEquals(2, s.records.size());
        assertEquals(List.of(RejectReason.OUT_OF_RANGE), s.rejects);
        assertArrayEquals(new double[] {3, 4, 0, 0}, s.records.get(1).values(), "integer suffixes and defaults");
    }

    @Test
    void aReusedParserCarriesNothingFromOneDatagramToTheNext() {
        // The decoder keeps one parser per thread: a datagram that fails mid-line (a long escaped tag, then an
        // unterminated string) must leave no state behind for the next one on the same thread.
        String longTag = "x\\ ".repeat(200);
        CollectingSink bad = decode("dwcp_link,node_id=" + longTag + ",peer_id=b bandwidth_mbps=1,latency_ms=2\n"
                + "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,note=\"open");
        assertTrue(bad.records.isEmpty());
        assertEquals(2, bad.rejects.size());
        CollectingSink good = decode("dwcp_link,node_id=a,peer_id=c bandwidth_mbps=7,latency_ms=3 1699999999000000000");
        assertEquals(List.of(), good.rejects);
        MetricRecord r = good.records.get(0);
        assertEquals("a->c", r.key());
        assertEquals(1_699_999_999_000L, r.timestampMillis());
        assertArrayEquals(new double[] {7, 3, 0, 0}, r.values());
    }

    @Test
    void missingTimestampTakesArrivalTime() {
        MetricRecord r = decode("link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2").records.get(0);
        assertEquals(NOW, r.timestampMillis());
    }

    @Test
    void escapesInTagValues() {
        MetricRecord r = decode("dwcp_link,node_id=dc\\ 1\\,east,peer_id=x\\=y bandwidth_mbps=1,latency_ms=2").records.get(0);
        assertEquals("dc 1,east", r.nodeId());
        assertEquals("x=y", r.peerId());
    }

    @Test
    void categoricalFieldsByNameAsTagOrStringField() {
        CollectingSink s = decode("dwcp_consensus,node_id=n,network_tier=wan queue_depth=1,latency_p50=1,latency_p95=2,"
                + "latency_p99=3,consensus_type=\"pbft\"");
        assertEquals(List.of(), s.rejects);
        double[] v = s.records.get(0).values();
        assertEquals(1, v[Measurement.CONSENSUS.indexOf("network_tier")]);
        assertEquals(1, v[Measurement.CONSENSUS.indexOf("consensus_type")]);
        assertEquals(1, v[Measurement.CONSENSUS.indexOf("dwcp_mode")], "default normal");
    }

    @Test
    void rejectsEachBadInputWithItsReason() {
        assertEquals(List.of(RejectReason.UNKNOWN_MEASUREMENT), decode("cpu,host=x usage=1").rejects);
        assertEquals(List.of(RejectReason.MISSING_TAG), decode("dwcp_link,node_id=a bandwidth_mbps=1,latency_ms=2").rejects);
        assertEquals(List.of(RejectReason.MISSING_FIELD), decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1").rejects);
        // NaN and Inf are not line-protocol numbers (issue 18): the line is malformed, not a non-finite value.
        assertEquals(List.of(RejectReason.MALFORMED), decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=NaN,latency_ms=1").rejects);
        assertEquals(List.of(RejectReason.MALFORMED), decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=Infinity,latency_ms=1").rejects);
        assertEquals(List.of(RejectReason.OUT_OF_RANGE), decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=1,packet_loss=1.5").rejects);
        assertEquals(List.of(RejectReason.FUTURE_TIMESTAMP),
                decode("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=1 " + (NOW + 3_600_000L) * 1_000_000L).rejects);
        for (String bad : List.of("dwcp_link", "dwcp_link,node_id=a", "dwcp_link,node_id bandwidth_mbps=1",
                "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=", "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1x",
                "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=1 12ab", ",x=y a=1",
                "dwcp_link,node_id=a,peer_id=b note=\"unterminated")) {
            assertEquals(List.of(RejectReason.MALFORMED), decode(bad).rejects, bad);
        }
    }

    @Test
    void unknownFieldsAreIgnored() {
        CollectingSink s = decode("dwcp_link,node_id=a,peer_id=b,region=eu bandwidth_mbps=1,latency_ms=2,extra=7,note=\"hi\"");
        assertEquals(1, s.records.size());
        assertNull(s.records.get(0).measurement().perLink() ? null : "x");
        assertTrue(s.rejects.isEmpty());
    }
}

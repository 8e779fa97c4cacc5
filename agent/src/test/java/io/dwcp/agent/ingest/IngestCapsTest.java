package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte caps on ids, names and strings, in both formats (issue 17 item 1: 30 KB ids exhausted the heap). Default
 * {@code dwcp.ingest.max-id-bytes} 256 and {@code max-string-bytes} 1024, counted in UTF-8 bytes after unescaping.
 */
class IngestCapsTest {
    static final long NOW = 1_700_000_000_000L;
    final SniffingDecoder decoder = new SniffingDecoder(IngestLimits.defaults(300_000));

    CollectingSink decode(SniffingDecoder d, String s) {
        CollectingSink sink = new CollectingSink();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.decode(b, 0, b.length, NOW, sink);
        return sink;
    }

    List<RejectReason> rejects(String s) {
        CollectingSink sink = decode(decoder, s);
        if (!sink.rejects.isEmpty()) {
            assertEquals(0, sink.records.size());
        }
        return sink.rejects;
    }

    static String lp(String node, String peer, String extra) {
        return "dwcp_link,node_id=" + node + ",peer_id=" + peer + " bandwidth_mbps=1,latency_ms=2" + extra;
    }

    static String json(String node, String peer) {
        return "{\"type\":\"link\",\"node_id\":\"" + node + "\",\"peer_id\":\"" + peer + "\",\"bandwidth_mbps\":1,\"latency_ms\":2}";
    }

    @Test
    void lineProtocolIds() {
        assertEquals(List.of(), rejects(lp("n".repeat(256), "p".repeat(256), "")));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("n".repeat(257), "p", "")));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("n", "p".repeat(30_000), "")), "the 30 KB attack");
        // UTF-8 bytes, not chars: 128 x 'é' is 256 bytes, 129 is 258.
        assertEquals(List.of(), rejects(lp("é".repeat(128), "p", "")));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("é".repeat(129), "p", "")));
        // After unescaping: 256 escaped spaces are 512 bytes on the wire, 256 in the id.
        assertEquals(List.of(), rejects(lp("\\ ".repeat(256), "p", "")));
    }

    @Test
    void lineProtocolNamesAndKeysToo() {
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("n", "p", "").replace("peer_id=p", "peer_id=p,"
                + "k".repeat(257) + "=v")), "tag key");
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("n", "p", "").replace("peer_id=p", "peer_id=p,region="
                + "v".repeat(257))), "value of an ignored tag");
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(lp("n", "p", "," + "f".repeat(257) + "=1")), "field key");
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects("m".repeat(257) + ",node_id=n x=1"), "measurement");
    }

    @Test
    void lineProtocolStrings() {
        assertEquals(List.of(), rejects(lp("n", "p", ",note=\"" + "s".repeat(1024) + "\"")));
        assertEquals(List.of(RejectReason.STRING_TOO_LONG), rejects(lp("n", "p", ",note=\"" + "s".repeat(1025) + "\"")));
        assertEquals(List.of(), rejects(lp("n", "p", ",note=\"" + "\\\"".repeat(1024) + "\"")), "after unescaping");
    }

    @Test
    void aSyntaxErrorWinsOverALongId() {
        assertEquals(List.of(RejectReason.MALFORMED), rejects(lp("n".repeat(300), "p", ",x=NaN")));
    }

    @Test
    void jsonIds() {
        assertEquals(List.of(), rejects(json("n".repeat(256), "p".repeat(256))));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(json("n".repeat(257), "p")));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(json("n", "p".repeat(30_000))), "the 30 KB attack");
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects(json("é".repeat(129), "p")));
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects("{\"type\":\"" + "t".repeat(257) + "\"}"));
        assertEquals(List.of(RejectReason.ID_TOO_LONG),
                rejects(json("n", "p").replace("{", "{\"" + "k".repeat(257) + "\":1,")), "key");
        assertEquals(List.of(RejectReason.ID_TOO_LONG), rejects("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\","
                + "\"peer_id\":\"" + "p".repeat(257) + "\"},\"fields\":{\"bandwidth_mbps\":1,\"latency_ms\":2}}"), "telegraf tag");
    }

    @Test
    void jsonStrings() {
        assertEquals(List.of(), rejects(json("n", "p").replace("{", "{\"note\":\"" + "s".repeat(1024) + "\",")));
        assertEquals(List.of(RejectReason.STRING_TOO_LONG),
                rejects(json("n", "p").replace("{", "{\"note\":\"" + "s".repeat(1025) + "\",")));
    }

    @Test
    void theListenerTakesItsLimitsFromTheConfiguration() {
        io.dwcp.agent.config.AgentConfig c = io.dwcp.agent.config.AgentConfig.from(k -> java.util.Optional.ofNullable(
                java.util.Map.of("dwcp.ingest.max-id-bytes", "20", "dwcp.ingest.max-string-bytes", "30",
                        "dwcp.ingest.max-inflated-bytes", "128KiB", "dwcp.ingest.max-datagram-bytes", "4096",
                        "dwcp.ingest.max-future-skew", "1m").get(k)));
        assertEquals(new IngestLimits(60_000, 4096, 20, 30, 128 << 10), IngestLimits.of(c.ingest()));
    }

    @Test
    void theLimitsAreConfigurable() {
        SniffingDecoder tight = new SniffingDecoder(new IngestLimits(300_000, 65_507, 16, 16, 1 << 20));
        assertEquals(List.of(), decode(tight, lp("n".repeat(16), "p", ",note=\"" + "s".repeat(16) + "\"")).rejects);
        assertEquals(List.of(RejectReason.ID_TOO_LONG), decode(tight, lp("n".repeat(17), "p", "")).rejects);
        assertEquals(List.of(RejectReason.STRING_TOO_LONG), decode(tight, lp("n", "p", ",note=\"" + "s".repeat(17) + "\"")).rejects);
        assertEquals(List.of(RejectReason.ID_TOO_LONG), decode(tight, json("n".repeat(17), "p")).rejects);
    }
}

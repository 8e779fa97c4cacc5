package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonDecoderTest {
    static final long NOW = 1_700_000_000_000L;
    final SniffingDecoder decoder = new SniffingDecoder(300_000, 8192);

    CollectingSink decode(String s) {
        return CollectingSink.decode(decoder, s, NOW);
    }

    @Test
    void flatObjectWithRfc3339Timestamp() {
        CollectingSink s = decode("{\"type\":\"link\",\"node_id\":\"a\",\"peer_id\":\"b\",\"timestamp\":\"2023-11-14T22:13:20Z\","
                + "\"bandwidth_mbps\":100,\"latency_ms\":5,\"packet_loss\":0.01,\"jitter_ms\":1}");
        assertEquals(List.of(), s.rejects);
        assertEquals(NOW, s.records.get(0).timestampMillis());
        assertArrayEquals(new double[] {100, 5, 0.01, 1}, s.records.get(0).values());
    }

    @Test
    void arrayMixesGoodAndBadObjects() {
        CollectingSink s = decode("[{\"type\":\"node\",\"node_id\":\"n\",\"rtt_ms\":1,\"cpu_usage\":0.5,\"memory_usage\":0.5},"
                + "{\"type\":\"node\",\"node_id\":\"n\",\"rtt_ms\":1,\"cpu_usage\":1.5,\"memory_usage\":0.5},"
                + "{\"type\":\"nope\"}, 7]");
        assertEquals(1, s.records.size());
        assertEquals(List.of(RejectReason.OUT_OF_RANGE, RejectReason.UNKNOWN_MEASUREMENT, RejectReason.MALFORMED), s.rejects);
    }

    @Test
    void telegrafJsonSerializer() {
        CollectingSink s = decode("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\",\"peer_id\":\"b\"},"
                + "\"fields\":{\"bandwidth_mbps\":10,\"latency_ms\":2},\"timestamp\":1700000000}");
        assertEquals(List.of(), s.rejects);
        assertEquals(NOW, s.records.get(0).timestampMillis());
    }

    /** Telegraf's json_timestamp_units 1s (default), 1ms, 1us, 1ns: inferred from the magnitude (issue 18). */
    @Test
    void telegrafTimestampsInAnyUnit() {
        for (String ts : List.of("1700000000", "1700000000000", "1700000000000000", "1700000000000000000",
                "1700000000.0", "1.7e9", "1.7e12", "1.7e18")) {
            CollectingSink s = decode("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\",\"peer_id\":\"b\"},"
                    + "\"fields\":{\"bandwidth_mbps\":10,\"latency_ms\":2},\"timestamp\":" + ts + "}");
            assertEquals(List.of(), s.rejects, ts + " " + s.details);
            assertEquals(NOW, s.records.get(0).timestampMillis(), ts);
        }
        CollectingSink s = decode("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\",\"peer_id\":\"b\"},"
                + "\"fields\":{\"bandwidth_mbps\":10,\"latency_ms\":2},\"timestamp\":1699999999.25}");
        assertEquals(NOW - 750, s.records.get(0).timestampMillis(), "fractional seconds");
        s = decode("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\",\"peer_id\":\"b\"},"
                + "\"fields\":{\"bandwidth_mbps\":10,\"latency_ms\":2},\"timestamp\":1700000000123456}");
        assertEquals(NOW + 123, s.records.get(0).timestampMillis(), "microseconds");
        s = decode("{\"name\":\"dwcp_link\",\"tags\":{\"node_id\":\"a\",\"peer_id\":\"b\"},"
                + "\"fields\":{\"bandwidth_mbps\":10,\"latency_ms\":2},\"timestamp\":99999999999999999999}");
        assertEquals(List.of(RejectReason.FUTURE_TIMESTAMP), s.rejects, "beyond int64 ns: far future");
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] b = "{\"type\":\"link\",\"node_id\":\"a?\"}".getBytes(StandardCharsets.UTF_8);
        b[b.length - 3] = (byte) 0xff;
        CollectingSink sink = new CollectingSink();
        decoder.decode(b, 0, b.length, NOW, sink);
        assertEquals(List.of(RejectReason.MALFORMED), sink.rejects);
    }

    @Test
    void rejects() {
        assertEquals(List.of(RejectReason.MALFORMED), decode("{\"type\":\"link\",").rejects);
        assertEquals(List.of(RejectReason.EMPTY), decode("   ").rejects, "blank: zero points, counted as empty");
        assertEquals(List.of(RejectReason.NON_FINITE),
                decode("{\"type\":\"link\",\"node_id\":\"a\",\"peer_id\":\"b\",\"bandwidth_mbps\":\"NaN\",\"latency_ms\":1}").rejects);
        assertEquals(List.of(RejectReason.MALFORMED),
                decode("{\"type\":\"link\",\"node_id\":\"a\",\"peer_id\":\"b\",\"bandwidth_mbps\":[1],\"latency_ms\":1}").rejects);
        assertEquals(List.of(RejectReason.MISSING_TAG), decode("{\"type\":\"link\",\"bandwidth_mbps\":1,\"latency_ms\":1}").rejects);
        assertEquals(List.of(RejectReason.MALFORMED),
                decode("{\"type\":\"link\",\"node_id\":\"a\",\"peer_id\":\"b\",\"timestamp\":\"yesterday\",\"bandwidth_mbps\":1,\"latency_ms\":1}").rejects);
        assertEquals(List.of(RejectReason.OVERSIZED), decode("{" + " ".repeat(9000) + "}").rejects);
        assertEquals(List.of(RejectReason.MALFORMED), decode("[".repeat(100) + "]".repeat(100)).rejects, "nesting bound");
    }
}

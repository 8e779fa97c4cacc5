package io.dwcp.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The generator's allocation-free helpers agree with the JDK's own parsing and printing. */
class LoadGeneratorParseTest {

    @Test
    void isoMillisMatchesInstantParse() {
        for (long ms : new long[] {0, 1, 999, 1_000, 1_764_670_921_123L, 1_764_670_921_000L, 1_764_670_921_120L,
                4_102_444_799_999L}) {
            String t = Instant.ofEpochMilli(ms).toString();
            assertEquals(ms, LoadGenerator.isoMillis(t), t);
        }
        assertEquals(1_764_670_921_123L, LoadGenerator.isoMillis("2025-12-02T10:22:01.123456Z"));
        assertEquals(1_764_670_921_123L, LoadGenerator.isoMillis("2025-12-02T10:22:01.123456789Z"));
    }

    @Test
    void p99BetweenTwoScrapes() {
        String before = "h_bucket{m=\"a\",le=\"0.001\",} 10.0\nh_bucket{m=\"a\",le=\"0.01\",} 10.0\n"
                + "h_bucket{m=\"a\",le=\"+Inf\",} 10.0\n";
        // 100 new observations: 98 up to 1 ms, 1 more up to 10 ms, 1 above: the 99th is in the 10 ms bucket.
        String after = "h_bucket{m=\"a\",le=\"0.001\",} 108.0\nh_bucket{m=\"a\",le=\"0.01\",} 109.0\n"
                + "h_bucket{m=\"a\",le=\"+Inf\",} 110.0\n";
        assertEquals(0.01, Probe.p99Between(before, after, "h_bucket{m=\"a\""));
        assertEquals(Double.NaN, Probe.p99Between(after, after, "h_bucket{m=\"a\""));
    }

    @Test
    void asciiWritesDecimal() {
        for (long v : new long[] {0, 7, 10, 549, 1_764_670_921_123_000_000L, Long.MAX_VALUE}) {
            ByteBuffer b = ByteBuffer.allocate(32);
            LoadGenerator.ascii(b, v);
            b.flip();
            assertEquals(Long.toString(v), StandardCharsets.US_ASCII.decode(b).toString());
        }
    }
}

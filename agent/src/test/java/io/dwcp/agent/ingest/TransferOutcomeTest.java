package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code dwcp_transfer_outcome} (issue 15): both wire formats, and every bad report refused with its own reason. */
class TransferOutcomeTest {
    static final long NOW = 1_700_000_000_000L;
    final SniffingDecoder decoder = new SniffingDecoder(300_000, 8192);

    CollectingSink decode(String s) {
        return CollectingSink.decode(decoder, s, NOW);
    }

    static String json(String fields) {
        return "{\"type\":\"transfer_outcome\",\"node_id\":\"a\",\"peer_id\":\"b\"," + fields + "}";
    }

    static final String GOOD = "\"codec\":\"zstd\",\"level\":3,\"bytes_in\":1048576,\"bytes_out\":400000,"
            + "\"compress_us\":8000,\"decompress_us\":1500,\"wire_seconds\":0.032,\"cpu_usage\":0.4";

    @Test
    void jsonOutcome() {
        CollectingSink s = decode(json(GOOD + ",\"entropy_bits_per_byte\":6.5"));
        assertEquals(List.of(), s.rejects, s.details.toString());
        MetricRecord r = s.records.get(0);
        assertEquals(Measurement.OUTCOME, r.measurement());
        assertEquals("a->b", r.key());
        assertArrayEquals(new double[] {2, 3, 1048576, 400000, 8000, 1500, 0.032, 0.4, 6.5}, r.values());
    }

    @Test
    void optionalFieldsAbsentAreUnknown() {
        CollectingSink s = decode(json("\"codec\":\"lz4\",\"level\":0,\"bytes_in\":1048576,\"bytes_out\":600000,"
                + "\"compress_us\":3000,\"wire_seconds\":0.05,\"cpu_usage\":0.1"));
        assertEquals(List.of(), s.rejects, s.details.toString());
        double[] v = s.records.get(0).values();
        assertEquals(Measurement.UNKNOWN, v[Measurement.OUTCOME.indexOf("decompress_us")]);
        assertEquals(Measurement.UNKNOWN, v[Measurement.OUTCOME.indexOf("entropy_bits_per_byte")]);
    }

    @Test
    void lineProtocolOutcomeWithCodecAsTagOrStringField() {
        CollectingSink s = decode("dwcp_transfer_outcome,node_id=a,peer_id=b,codec=zstd-max level=19i,bytes_in=1048576i,"
                + "bytes_out=300000i,compress_us=500000,wire_seconds=0.3,cpu_usage=0.2 1700000000000000000\n"
                + "dwcp_transfer_outcome,node_id=a,peer_id=b codec=\"brotli\",level=6i,bytes_in=65536i,bytes_out=20000i,"
                + "compress_us=2500,decompress_us=300,wire_seconds=0.001,cpu_usage=0.9\n"
                + "transfer_outcome,node_id=a,peer_id=b codec=\"none\",level=0i,bytes_in=10i,bytes_out=10i,compress_us=0,"
                + "wire_seconds=0,cpu_usage=0");
        assertEquals(List.of(), s.rejects, s.details.toString());
        assertEquals(3, s.records.size());
        assertEquals(3, s.records.get(0).values()[0]);
        assertEquals(4, s.records.get(1).values()[0]);
        assertEquals(0, s.records.get(2).values()[0]);
        assertEquals(NOW, s.records.get(0).timestampMillis());
    }

    @Test
    void zstdMaxSpeltEitherWayAndCodecByNumber() {
        for (String c : List.of("\"zstd-max\"", "\"zstd_max\"", "\"ZSTD-MAX\"", "3")) {
            CollectingSink s = decode(json(GOOD.replace("\"codec\":\"zstd\"", "\"codec\":" + c)));
            assertEquals(List.of(), s.rejects, c + " " + s.details);
            assertEquals(3, s.records.get(0).values()[0], c);
        }
    }

    @Test
    void zeroNegativeOrImpossibleSizesAreBadSize() {
        assertEachRefused(RejectReason.BAD_SIZE, List.of("\"bytes_in\":0", "\"bytes_in\":-5", "\"bytes_out\":0",
                "\"bytes_out\":-1", "\"bytes_in\":2e12", "\"bytes_out\":2000000"));
    }

    /** Each {@code "key":value} of {@code bads}, put in place of GOOD's value of that key, is refused as {@code reason}. */
    void assertEachRefused(RejectReason reason, List<String> bads) {
        for (String bad : bads) {
            String key = bad.substring(0, bad.indexOf(':'));
            CollectingSink s = decode(json(GOOD.replaceFirst(key + ":[0-9.]+", bad)));
            assertEquals(List.of(reason), s.rejects, bad + " " + s.details);
        }
    }

    @Test
    void absurdTimesAreAbsurdTime() {
        assertEachRefused(RejectReason.ABSURD_TIME, List.of("\"compress_us\":-1", "\"compress_us\":1e12",
                "\"decompress_us\":-3", "\"wire_seconds\":-0.1", "\"wire_seconds\":1e7",
                // 1 MiB compressed in 1 µs: 500 GB/s
                "\"compress_us\":1", "\"decompress_us\":0"));
    }

    @Test
    void wireFasterThanAnyLinkIsAbsurd() {
        // 1 GiB in 1 µs is 8.6 Pbit/s; the same in 1 s is 8.6 Gbit/s.
        String f = "\"codec\":\"none\",\"level\":0,\"bytes_in\":1073741824,\"bytes_out\":1073741824,"
                + "\"compress_us\":0,\"cpu_usage\":0.5,\"wire_seconds\":";
        assertEquals(List.of(RejectReason.ABSURD_TIME), decode(json(f + "0.000001")).rejects);
        assertEquals(List.of(), decode(json(f + "1")).rejects);
    }

    @Test
    void codecNoneMayTakeNoTime() {
        CollectingSink s = decode(json("\"codec\":\"none\",\"level\":0,\"bytes_in\":1073741824,\"bytes_out\":1073741824,"
                + "\"compress_us\":0,\"decompress_us\":0,\"wire_seconds\":1.5,\"cpu_usage\":0.5"));
        assertEquals(List.of(), s.rejects, s.details.toString());
    }

    @Test
    void unknownCodecIsUnknownCodec() {
        for (String c : List.of("\"gzip\"", "\"\"", "5", "-1", "1.5")) {
            CollectingSink s = decode(json(GOOD.replace("\"codec\":\"zstd\"", "\"codec\":" + c)));
            assertEquals(List.of(RejectReason.UNKNOWN_CODEC), s.rejects, c + " " + s.details);
        }
        CollectingSink s = decode("dwcp_transfer_outcome,node_id=a,peer_id=b,codec=snappy level=0i,bytes_in=100i,"
                + "bytes_out=90i,compress_us=1,wire_seconds=0,cpu_usage=0");
        assertEquals(List.of(RejectReason.UNKNOWN_CODEC), s.rejects, s.details.toString());
    }

    @Test
    void requiredFieldsAndTags() {
        assertEquals(List.of(RejectReason.MISSING_FIELD),
                decode(json(GOOD.replace("\"codec\":\"zstd\",", ""))).rejects);
        assertEquals(List.of(RejectReason.MISSING_FIELD),
                decode(json(GOOD.replace(",\"cpu_usage\":0.4", ""))).rejects);
        assertEquals(List.of(RejectReason.MISSING_TAG),
                decode("{\"type\":\"transfer_outcome\",\"node_id\":\"a\"," + GOOD + "}").rejects);
        assertEquals(List.of(RejectReason.OUT_OF_RANGE),
                decode(json(GOOD.replace("\"cpu_usage\":0.4", "\"cpu_usage\":1.4"))).rejects);
    }

    /** The refusals are counted per reason, as every other drop (issue 15: "never fatal, counted per reason"). */
    @Test
    void refusalsAreCountedPerReason() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry reg = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        IngestMetrics m = new IngestMetrics(reg, java.time.Duration.ofSeconds(10));
        RecordSink sink = new RecordSink() {
            @Override public void accept(MetricRecord record) { m.accepted(); }
            @Override public void reject(RejectReason reason, String detail) { m.rejected(reason, detail); }
        };
        for (String s : List.of(json(GOOD), json(GOOD.replace("\"bytes_in\":1048576", "\"bytes_in\":0")),
                json(GOOD.replace("\"compress_us\":8000", "\"compress_us\":-8")),
                json(GOOD.replace("\"codec\":\"zstd\"", "\"codec\":\"gzip\"")),
                json(GOOD.replace("\"codec\":\"zstd\"", "\"codec\":\"lzma\"")))) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            decoder.decode(b, 0, b.length, NOW, sink);
        }
        assertEquals(1, m.acceptedCount());
        assertEquals(1, reg.get("dwcp.ingest.rejected").tag("reason", "bad_size").counter().count());
        assertEquals(1, reg.get("dwcp.ingest.rejected").tag("reason", "absurd_time").counter().count());
        assertEquals(2, reg.get("dwcp.ingest.rejected").tag("reason", "unknown_codec").counter().count());
    }
}

package io.dwcp.agent.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Line protocol as InfluxData specifies it (issue 18), one nested class per conformance class, each with valid
 * and invalid cases. The sources: the grammar {@code line-protocol.ebnf} of github.com/influxdata/line-protocol
 * and the "Special characters" rules of InfluxData's line-protocol reference, checked against the behaviour of
 * that repository's v2 decoder ({@code lineprotocol/decoder.go}) where the grammar is silent:
 * <ul>
 *   <li>a backslash escapes only the delimiters of its element (measurement: comma, space; tag keys, tag values
 *       and field keys: comma, equals sign, space; string values: double quote and backslash, plus the v2
 *       decoder's {@code \n \r \t}); before anything else it is a literal backslash, so {@code \\ } is a
 *       backslash followed by an escaped space;</li>
 *   <li>no element may hold an unescaped control character (U+0000..U+001F, U+007F) except a string value;
 *       every element must be valid UTF-8;</li>
 *   <li>numbers follow the grammar exactly: {@code -?digits i}, {@code digits u} (0..2^64-1),
 *       {@code -?(digits[.[digits]][exp] | .digits[exp])}; no {@code +}, no {@code NaN}/{@code Inf}, no Java
 *       suffixes; a value outside its type's range is an error ({@code out_of_range});</li>
 *   <li>a line is spaces then a point or a comment; lines end in {@code \n} or {@code \r\n}.</li>
 * </ul>
 * Whatever the grammar rejects is {@code malformed}, even in a field the agent ignores: the whole line is not
 * line protocol. Where the grammar and the v2 decoder disagree the grammar wins: a tab inside a comment is valid
 * ({@code comment = "#" { not(nonprintable_char) | "\t" }}; the v2 decoder refuses it).
 */
class LineProtocolConformanceTest {
    static final long NOW = 1_700_000_000_000L;
    static final String LINK = "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2";

    static CollectingSink decode(byte[] b) {
        CollectingSink sink = new CollectingSink();
        new LineProtocolDecoder(300_000).decode(b, 0, b.length, NOW, sink);
        return sink;
    }

    static CollectingSink decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    static MetricRecord accepted(String line) {
        CollectingSink s = decode(line);
        assertEquals(List.of(), s.rejects, () -> "rejected " + printable(line) + ": " + s.details);
        assertEquals(1, s.records.size(), () -> "records of " + printable(line));
        return s.records.get(0);
    }

    static void rejected(RejectReason reason, String line) {
        CollectingSink s = decode(line);
        assertEquals(List.of(reason), s.rejects, () -> printable(line) + " " + s.details);
        assertEquals(0, s.records.size(), () -> "accepted " + printable(line));
    }

    static void malformed(String line) {
        rejected(RejectReason.MALFORMED, line);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                for (int b : (int[]) p) {
                    out.write(b);
                }
            }
        }
        return out.toByteArray();
    }

    /** Backslash escaping, element by element (issue 18: "backslash before an escaped delimiter", "backslash runs"). */
    @Nested
    class Escaping {
        @Test
        void backslashBeforeAnEscapedSpaceIsALiteralBackslash() {
            assertEquals("two\\ words", accepted("dwcp_link,node_id=two\\\\ words,peer_id=b bandwidth_mbps=1,latency_ms=2").nodeId());
        }

        @Test
        void tagValueEscapes() {
            MetricRecord r = accepted("dwcp_link,node_id=dc\\ 1\\,east,peer_id=x\\=y bandwidth_mbps=1,latency_ms=2");
            assertEquals("dc 1,east", r.nodeId());
            assertEquals("x=y", r.peerId());
        }

        @Test
        void backslashBeforeAnythingElseIsLiteral() {
            assertEquals("c:\\path\\x", accepted("dwcp_link,node_id=c:\\path\\x,peer_id=b bandwidth_mbps=1,latency_ms=2").nodeId());
            // Backslashes never collapse: three then a comma = two literal ones and an escaped comma.
            assertEquals("a\\\\,b", accepted("dwcp_link,node_id=a\\\\\\,b,peer_id=b bandwidth_mbps=1,latency_ms=2").nodeId());
        }

        @Test
        void backslashRunBeforeADelimiterEscapesIt() {
            // "a\\," = literal backslash + escaped comma: the tag value runs on into "peer_id", then meets '='.
            malformed("dwcp_link,node_id=a\\\\,peer_id=b bandwidth_mbps=1,latency_ms=2");
            // "node_id\\=a": the key is node_id\=a, and no '=' follows it.
            malformed("dwcp_link,node_id\\\\=a,peer_id=b bandwidth_mbps=1,latency_ms=2");
        }

        @Test
        void fieldKeyEscapes() {
            MetricRecord r = accepted(LINK + ",x\\,y=3,x\\ y=4,x\\=y=5,c:\\q=6");
            assertArrayEquals(new double[] {1, 2, 0, 0}, r.values());
            // "\_" is not an escape: the key is latency\_ms, an unknown field.
            rejected(RejectReason.MISSING_FIELD, "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency\\_ms=2");
        }

        @Test
        void measurementEscapesOnlyCommaAndSpace() {
            CollectingSink s = decode("dwcp\\,link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2");
            assertEquals(List.of(RejectReason.UNKNOWN_MEASUREMENT), s.rejects);
            assertTrue(s.details.get(0).contains("dwcp,link"), s.details.toString());
            s = decode("dwcp\\ link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2");
            assertEquals(List.of(RejectReason.UNKNOWN_MEASUREMENT), s.rejects);
            assertTrue(s.details.get(0).contains("dwcp link"), s.details.toString());
            // '=' needs no escape in a measurement, and "\=" there is a backslash and '='.
            s = decode("a=b,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2");
            assertEquals(List.of(RejectReason.UNKNOWN_MEASUREMENT), s.rejects);
            s = decode("a\\=b,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2");
            assertEquals(List.of(RejectReason.UNKNOWN_MEASUREMENT), s.rejects);
            assertTrue(s.details.get(0).contains("a\\=b"), s.details.toString());
        }

        @Test
        void stringValueEscapes() {
            accepted(LINK + ",note=\"say \\\"hi\\\" \\\\ bye\"");
            accepted(LINK + ",note=\"a\\\\\",other=1");
            accepted(LINK + ",note=\"c:\\path\"");
            // "pbft\\" is pbft and a backslash: the backslash does not escape the closing quote.
            rejected(RejectReason.OUT_OF_RANGE, "dwcp_consensus,node_id=n queue_depth=1,latency_p50=1,latency_p95=2,"
                    + "latency_p99=3,consensus_type=\"pbft\\\\\"");
            CollectingSink s = decode("dwcp_consensus,node_id=n queue_depth=1,latency_p50=1,latency_p95=2,"
                    + "latency_p99=3,consensus_type=\"\\\"pbft\\\"\"");
            assertEquals(List.of(RejectReason.OUT_OF_RANGE), s.rejects, "the quotes are part of the value");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "dwcp_link,node_id=a=b,peer_id=b bandwidth_mbps=1,latency_ms=2",  // unescaped '=' in a tag value
            "dwcp_link,node_id=a b,peer_id=b bandwidth_mbps=1,latency_ms=2",  // unescaped space in a tag value
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,x,y=3", // unescaped comma in a field key
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,note=\"a\\\"", // escaped closing quote
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,x\\=1", // escaped '=' leaves no '='
        })
        void invalid(String line) {
            malformed(line);
        }
    }

    /** Integers: signed 64-bit with 'i', unsigned 64-bit with 'u' (issue 18: 2^63..2^64-1, negative unsigned). */
    @Nested
    class Integers {
        @ParameterizedTest
        @ValueSource(strings = {"x=18446744073709551615u", "x=9223372036854775808u", "x=0u", "x=007u",
            "x=9223372036854775807i", "x=-9223372036854775808i", "x=-0i", "x=0i"})
        void valid(String field) {
            accepted(LINK + "," + field);
        }

        @Test
        void valuesReachTheRecord() {
            assertArrayEquals(new double[] {12, 7, 0, 0},
                    accepted("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=12u,latency_ms=7i").values());
        }

        @ParameterizedTest
        @ValueSource(strings = {"x=18446744073709551616u", "x=99999999999999999999u", "x=9223372036854775808i",
            "x=-9223372036854775809i"})
        void outOfTheTypesRange(String field) {
            rejected(RejectReason.OUT_OF_RANGE, LINK + "," + field);
        }

        @ParameterizedTest
        @ValueSource(strings = {"x=-1u", "x=-0u", "x=+1u", "x=+1i", "x=1.0i", "x=1.5u", "x=u", "x=i", "x=-i",
            "x=1e3i", "x=0x10i", "x=1_000i", "x=1iu", "x=1 i", "x=1I", "x=1U"})
        void invalid(String field) {
            malformed(LINK + "," + field);
        }
    }

    /** Floats: the grammar's decimal forms only (issue 18: leading '+', "1d", NaN, out-of-range floats). */
    @Nested
    class Floats {
        @ParameterizedTest
        @ValueSource(strings = {"1", "-1", "1.", "1.5", ".5", "-.5", "1.5e3", "1E-3", "1.e5", "5e+2", "-0", "007",
            "1.7976931348623157e308", "0.000"})
        void valid(String v) {
            accepted(LINK + ",x=" + v);
        }

        @Test
        void valuesReachTheRecord() {
            assertArrayEquals(new double[] {1500, 0.5, 0.001, 0},
                    accepted("dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1.5e3,latency_ms=.5,packet_loss=1E-3,jitter_ms=0.").values());
        }

        @ParameterizedTest
        @ValueSource(strings = {"NaN", "nan", "-NaN", "Inf", "-Inf", "+Inf", "Infinity", "-Infinity", "inf",
            "+1", "+.5", "1d", "1D", "1f", "1F", "0x1p3", "0x10", "1_000", "1e", "1e+", "1e-", ".", "-", "--1",
            "1..2", "1.2.3", ".e5", "1e5.0", "١", "1,5"})
        void invalidInAnIgnoredField(String v) {
            // "1,5": "5" becomes a field key without '='.
            malformed(LINK + ",x=" + v);
        }

        @ParameterizedTest
        @ValueSource(strings = {"NaN", "+1", "1d", "Infinity"})
        void invalidInAKnownField(String v) {
            malformed("dwcp_link,node_id=a,peer_id=b latency_ms=2,bandwidth_mbps=" + v);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1e400", "-1e400", "1.8e308"})
        void outOfTheFloatRangeEvenWhenIgnored(String v) {
            rejected(RejectReason.OUT_OF_RANGE, LINK + ",x=" + v);
        }
    }

    /** Booleans: exactly the ten spellings of the grammar. */
    @Nested
    class Booleans {
        @ParameterizedTest
        @ValueSource(strings = {"t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"})
        void valid(String v) {
            accepted(LINK + ",x=" + v);
        }

        @ParameterizedTest
        @ValueSource(strings = {"tRUE", "truE", "tr", "yes", "FaLse", "falsey", "1t", "t1"})
        void invalid(String v) {
            malformed(LINK + ",x=" + v);
        }
    }

    /** Timestamps: {@code -?digits}, int64 nanoseconds. */
    @Nested
    class Timestamps {
        @Test
        void valid() {
            assertEquals(1_699_999_999_000L, accepted(LINK + " 1699999999000000000").timestampMillis());
            assertEquals(1_699_999_999_000L, accepted(LINK + "   1699999999000000000   ").timestampMillis());
            assertEquals(-1L, accepted(LINK + " -1").timestampMillis(), "before 1970 is allowed");
            assertEquals(NOW, accepted(LINK + "   ").timestampMillis(), "trailing spaces, no timestamp");
        }

        @ParameterizedTest
        @ValueSource(strings = {" +1699999999000000000", " 1.7e18", " 1699999999000000000x", " 0x10", " -", " 1-2",
            " 1 2", " 1699999999000000000\t", " 1699999999000000000 x", "\t1699999999000000000"})
        void invalid(String suffix) {
            malformed(LINK + suffix);
        }

        @Test
        void outOfTheInt64Range() {
            rejected(RejectReason.OUT_OF_RANGE, LINK + " 9223372036854775808");
        }
    }

    /** Lines: blank, comment, CRLF; a line may only start with spaces (issue 18: blank-only datagrams, leading tabs). */
    @Nested
    class Lines {
        @ParameterizedTest
        @ValueSource(strings = {"", "\n", "\r\n\r\n", "   \n  ", "\r", "# comment\n", "#\tcomment with a tab\r\n",
            "  # indented comment", "#\n#\n"})
        void noPoints(String datagram) {
            CollectingSink s = decode(datagram);
            assertEquals(List.of(), s.rejects, () -> printable(datagram));
            assertEquals(0, s.records.size());
        }

        @Test
        void blankOnlyDatagramsAreNotMalformed() {
            SniffingDecoder sniffing = new SniffingDecoder(300_000, 65_507);
            for (String d : List.of("\n", "\r\n\r\n", "  \n")) {
                CollectingSink s = new CollectingSink();
                byte[] b = d.getBytes(StandardCharsets.UTF_8);
                sniffing.decode(b, 0, b.length, NOW, s);
                assertTrue(!s.rejects.contains(RejectReason.MALFORMED), printable(d) + " " + s.details);
            }
        }

        @Test
        void lineEndingsAndLeadingSpaces() {
            CollectingSink s = decode("   " + LINK + "\r\n" + LINK + " 1699999999000000000\r\n" + LINK + "\r");
            assertEquals(List.of(), s.rejects, s.details.toString());
            assertEquals(3, s.records.size());
        }

        @ParameterizedTest
        @ValueSource(strings = {"\t" + LINK, " \t" + LINK, "\u000b" + LINK, "# bad \u0001 comment", "#\u007f",
            "\rx" + LINK, LINK + "\rx"})
        void invalid(String line) {
            malformed(line);
        }

        @Test
        void aBadLineCostsOnlyItself() {
            CollectingSink s = decode("\t" + LINK + "\n" + LINK + ",x=NaN\n" + LINK + "\n# c \u0002\n" + LINK);
            assertEquals(List.of(RejectReason.MALFORMED, RejectReason.MALFORMED, RejectReason.MALFORMED), s.rejects);
            assertEquals(2, s.records.size());
        }
    }

    /** A newline (or any other character) inside a quoted string value is legal (issue 18). */
    @Nested
    class Strings {
        @Test
        void newlineInsideAQuotedString() {
            CollectingSink s = decode(LINK + ",note=\"4\n2\" 1699999999000000000\n" + LINK + ",note=\"a\r\nb\"");
            assertEquals(List.of(), s.rejects, s.details.toString());
            assertEquals(2, s.records.size());
            assertEquals(1_699_999_999_000L, s.records.get(0).timestampMillis());
        }

        @Test
        void categoryFromAQuotedString() {
            MetricRecord r = accepted("dwcp_consensus,node_id=n queue_depth=1,latency_p50=1,latency_p95=2,latency_p99=3,"
                    + "consensus_type=\"hotstuff\",note=\"x\ty\u0001\"");
            assertEquals(2, r.values()[Measurement.CONSENSUS.indexOf("consensus_type")]);
        }

        @Test
        void newlineInATagIsTheEndOfTheLine() {
            CollectingSink s = decode("dwcp_link,node_id=a\n,peer_id=b bandwidth_mbps=1,latency_ms=2");
            assertEquals(List.of(RejectReason.MALFORMED, RejectReason.MALFORMED), s.rejects);
        }

        @Test
        void anUnterminatedStringRunsToTheEndOfTheDatagram() {
            CollectingSink s = decode(LINK + ",note=\"open\n" + LINK + "\n" + LINK);
            assertEquals(List.of(RejectReason.MALFORMED), s.rejects);
            assertEquals(0, s.records.size());
        }
    }

    /** Control characters: nowhere outside a string value or comment (issue 18: in keys, after a value). */
    @Nested
    class ControlCharacters {
        @ParameterizedTest
        @ValueSource(strings = {
            "dwcp\u0001link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,no\u0001de_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a\u0007,peer_id=b bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b\u001b bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b band\u0000width_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2\t",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1\u0000,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,\tlatency_ms=2",
            "dwcp_link,node_id=a,peer_id=b\tbandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2 1699999999000000000\u0001",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,x\u007f=1",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,x=t\u0001",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2,x=\"s\"\u0001",
            "dwcp_link,node_id=a\\\u0001,peer_id=b bandwidth_mbps=1,latency_ms=2",
        })
        void invalid(String line) {
            malformed(line);
        }
    }

    /** UTF-8: every element must be valid (issue 18). */
    @Nested
    class Utf8 {
        @Test
        void valid() {
            assertEquals("été-東京-\uD83D\uDE80",
                    accepted("dwcp_link,node_id=été-東京-\uD83D\uDE80,peer_id=b bandwidth_mbps=1,latency_ms=2,note=\"ü\"").nodeId());
        }

        static final int[][] BAD = {{0xff}, {0xc0, 0xaf}, {0xed, 0xa0, 0x80}, {0xe2, 0x82}, {0xf4, 0x90, 0x80, 0x80},
            {0x80}, {0xc3}};

        @Test
        void invalidInEveryElement() {
            for (int[] bad : BAD) {
                assertEquals(List.of(RejectReason.MALFORMED),
                        decode(bytes("dwcp_link,node_id=a", bad, ",peer_id=b bandwidth_mbps=1,latency_ms=2")).rejects, "tag value");
                assertEquals(List.of(RejectReason.MALFORMED),
                        decode(bytes("dwcp_link,node_id=a,r", bad, "=1,peer_id=b bandwidth_mbps=1,latency_ms=2")).rejects, "tag key");
                assertEquals(List.of(RejectReason.MALFORMED),
                        decode(bytes("dwcp_link", bad, ",node_id=a,peer_id=b bandwidth_mbps=1,latency_ms=2")).rejects, "measurement");
                assertEquals(List.of(RejectReason.MALFORMED),
                        decode(bytes(LINK, ",x", bad, "=1")).rejects, "field key");
                assertEquals(List.of(RejectReason.MALFORMED),
                        decode(bytes(LINK, ",note=\"", bad, "\"")).rejects, "string value");
            }
        }
    }

    /** Duplicate tag keys make a line invalid (issue 18; today the last one is kept). */
    @Nested
    class DuplicateTags {
        @ParameterizedTest
        @ValueSource(strings = {
            "dwcp_link,node_id=a,node_id=b,peer_id=c bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b,region=x,region=y bandwidth_mbps=1,latency_ms=2",
            "dwcp_link,node_id=a,peer_id=b,node_id=a bandwidth_mbps=1,latency_ms=2",
        })
        void invalid(String line) {
            malformed(line);
        }

        @Test
        void manyDistinctTagsAreFine() {
            StringBuilder b = new StringBuilder("dwcp_link,node_id=a,peer_id=b");
            for (int i = 0; i < 500; i++) {
                b.append(",t").append(i).append('=').append(i);
            }
            accepted(b + " bandwidth_mbps=1,latency_ms=2");
            malformed(b + ",t499=x bandwidth_mbps=1,latency_ms=2");
        }
    }

    /** The shape of a point: measurement, tags, one space run, fields, optional timestamp. */
    @Nested
    class Structure {
        @ParameterizedTest
        @ValueSource(strings = {"dwcp_link", "dwcp_link,node_id=a", "dwcp_link,node_id=a,peer_id=b ",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,", "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1,,latency_ms=2",
            "dwcp_link,node_id=a, peer_id=b bandwidth_mbps=1", "dwcp_link,node_id=a,,peer_id=b bandwidth_mbps=1",
            "dwcp_link,node_id=,peer_id=b bandwidth_mbps=1", "dwcp_link,=a,peer_id=b bandwidth_mbps=1",
            "dwcp_link,node_id=a,peer_id=b =1", "dwcp_link,node_id=a,peer_id=b bandwidth_mbps",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=", "dwcp_link,node_id=a,peer_id=b bandwidth_mbps= 1",
            "dwcp_link,node_id=a,peer_id=b bandwidth_mbps=1 latency_ms=2", ",node_id=a bandwidth_mbps=1",
            " ,node_id=a bandwidth_mbps=1", "dwcp_link,node_id=a,peer_id=b, bandwidth_mbps=1"})
        void invalid(String line) {
            malformed(line);
        }

        @Test
        void spaceRunsBetweenSections() {
            accepted("dwcp_link,node_id=a,peer_id=b    bandwidth_mbps=1,latency_ms=2    1699999999000000000  ");
        }
    }
}

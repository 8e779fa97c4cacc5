package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * InfluxDB line protocol, as Telegraf's {@code outputs.socket_writer} sends it over UDP:
 * {@code measurement,tag=v,... field=v,... [timestamp]}, one or more lines per datagram. Timestamps are
 * nanoseconds (Telegraf's default precision); a line without one takes the arrival time.
 *
 * <p>The syntax is InfluxData's, exactly (issue 18): the grammar {@code line-protocol.ebnf} of
 * github.com/influxdata/line-protocol, with the escaping of its v2 decoder where the grammar leaves room.
 * <ul>
 *   <li>A backslash escapes only the delimiters of its element: comma and space in a measurement; comma, equals
 *       sign and space in tag keys, tag values and field keys; double quote and backslash in a string value (and
 *       {@code \n}, {@code \r}, {@code \t} there, as the v2 decoder reads them). Before any other byte it is a
 *       literal backslash, so {@code two\\ words} is {@code two\ words}.</li>
 *   <li>No unescaped control character (U+0000..U+001F, U+007F) outside string values and comments (a tab is
 *       allowed in a comment: the grammar says so, though the v2 decoder refuses it); every element valid UTF-8
 *       (comments are not checked, as in the v2 decoder); a line starts with spaces only (no tabs).</li>
 *   <li>Numbers as the grammar writes them: {@code -?digits i} (int64), {@code digits u} (uint64, so up to
 *       2^64-1), floats {@code -?(digits[.[digits]][e[+-]digits] | .digits[e[+-]digits])}; no {@code +}, no
 *       {@code NaN}/{@code Inf}, no Java suffixes ({@code 1d}). A number beyond its type is {@code out_of_range}.</li>
 *   <li>A quoted string value may hold anything but an unescaped {@code "}, a newline included; an unterminated one
 *       therefore runs to the end of the datagram.</li>
 *   <li>A tag key may appear once per line.</li>
 * </ul>
 * A line that breaks any of these is dropped whole as {@code malformed}, even when the offence is in a field the
 * agent ignores; the decoder then resumes at the next newline. Blank and comment lines hold no point.
 * Measurement names, tag keys and values and field keys longer than {@link IngestLimits#maxIdBytes()} are
 * {@code id_too_long}, string values longer than {@link IngestLimits#maxStringBytes()} {@code string_too_long}
 * (issue 17), both after unescaping.
 *
 * <p>Stateless and thread-safe: each call parses with its own {@link Parser}.
 */
public final class LineProtocolDecoder implements MetricDecoder {
    /** Bytes of a line quoted in a drop's log detail. */
    private static final int EXCERPT_BYTES = 120;

    private final IngestLimits limits;

    public LineProtocolDecoder(long maxFutureSkewMillis) {
        this(IngestLimits.defaults(maxFutureSkewMillis));
    }

    public LineProtocolDecoder(IngestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        new Parser(data, offset, offset + length, limits, nowMillis, sink).lines();
    }

    /** A syntax error: the line is malformed. No stack trace, it is an expected outcome. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** One datagram's walk. Not thread-safe. */
    private static final class Parser {
        private final byte[] d;
        private final int end;
        private final IngestLimits limits;
        private final long nowMillis;
        private final RecordSink sink;
        private final RecordBuilder b;
        private int pos;
        private int lineStart;

        // The last token read: raw bytes [tokStart, tokEnd), whether it holds escapes or bytes >= 0x80.
        private int tokStart;
        private int tokEnd;
        private boolean tokEscaped;
        private boolean tokHigh;
        private boolean tokMeasurement;
        private int tokBytes; // after unescaping
        private byte[] unescaped = new byte[64];

        // Per line: the first non-syntax failure, and the tag keys seen (duplicates are malformed).
        private RejectReason failure;
        private String failureDetail;
        private final List<String> tagKeys = new ArrayList<>();
        private Set<String> tagKeySet;

        Parser(byte[] d, int from, int end, IngestLimits limits, long nowMillis, RecordSink sink) {
            this.d = d;
            this.pos = from;
            this.end = end;
            this.limits = limits;
            this.nowMillis = nowMillis;
            this.sink = sink;
            this.b = new RecordBuilder(limits);
        }

        /** {@code lines = line { ["\r"] "\n" line } ["\r"]}; {@code line = { " " } [ point | comment ]}. */
        void lines() {
            while (pos < end) {
                lineStart = pos;
                try {
                    while (pos < end && d[pos] == ' ') {
                        pos++;
                    }
                    if (pos == end) {
                        return;
                    }
                    if (atEol()) {
                        endOfLine();
                    } else if (d[pos] == '#') {
                        comment();
                    } else {
                        point();
                    }
                } catch (SyntaxError e) {
                    sink.reject(RejectReason.MALFORMED, e.getMessage() + ": " + excerpt());
                    while (pos < end && d[pos] != '\n') {
                        pos++;
                    }
                    if (pos < end) {
                        pos++;
                    }
                }
            }
        }

        /** {@code comment = "#" { not(nonprintable_char) | "\t" }}, then the end of the line. */
        private void comment() {
            pos++;
            while (pos < end && !atEol()) {
                int c = d[pos] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new SyntaxError("control character " + hex(c) + " in a comment");
                }
                pos++;
            }
            endOfLine();
        }

        private void point() {
            failure = null;
            failureDetail = null;
            tagKeys.clear();
            tagKeySet = null;

            readToken(true);
            if (tokEnd == tokStart) {
                throw new SyntaxError("invalid character " + hex(d[pos] & 0xff) + " at the start of the measurement");
            }
            String name = tokenString();
            checkId("measurement", null);
            Measurement m = Measurement.byName(name);
            if (m != null) {
                b.reset(m);
            }

            while (pos < end && d[pos] == ',') {
                pos++;
                readToken(false);
                if (tokEnd == tokStart) {
                    throw new SyntaxError("expected a tag key after ','");
                }
                String key = tokenString();
                checkId("tag key", null);
                if (pos >= end || d[pos] != '=') {
                    throw new SyntaxError("expected '=' after tag key '" + key + "'");
                }
                pos++;
                readToken(false);
                if (tokEnd == tokStart) {
                    throw new SyntaxError("no value for tag '" + key + "'");
                }
                String value = tokenString();
                checkId("value of tag ", key);
                if (!firstTagKey(key)) {
                    throw new SyntaxError("duplicate tag key '" + key + "'");
                }
                if (m != null) {
                    b.tag(key, value);
                }
            }
            if (pos >= end || d[pos] != ' ') {
                throw new SyntaxError(pos >= end || atEol() ? "no field set" : "unexpected character " + hex(d[pos] & 0xff));
            }
            skipSpaces();

            while (true) {
                readToken(false);
                if (tokEnd == tokStart) {
                    throw new SyntaxError("expected a field key");
                }
                String key = tokenString();
                checkId("field key", null);
                if (pos >= end || d[pos] != '=') {
                    throw new SyntaxError("expected '=' after field key '" + key + "'");
                }
                pos++;
                fieldValue(key, m);
                if (pos < end && d[pos] == ',') {
                    pos++;
                    continue;
                }
                break;
            }
            if (pos < end && d[pos] == ' ') {
                skipSpaces();
                if (pos < end && !atEol()) {
                    timestamp(m);
                    skipSpaces();
                }
            }
            endOfLine();

            if (failure != null) {
                sink.reject(failure, failureDetail + ": " + excerpt());
            } else if (m == null) {
                sink.reject(RejectReason.UNKNOWN_MEASUREMENT, name);
            } else {
                b.finish(nowMillis, sink);
            }
        }

        /** {@code fieldval = boolfield | stringfield | intfield | uintfield | floatfield}. */
        private void fieldValue(String key, Measurement m) {
            if (pos >= end) {
                throw new SyntaxError("no value for field '" + key + "'");
            }
            int first = d[pos] & 0xff;
            if (first == '"') {
                String v = quoted(key);
                if (m != null) {
                    b.category(key, v);
                }
                return;
            }
            int s = pos;
            while (pos < end) {
                byte c = d[pos];
                if (c == ',' || c == ' ' || c == '\n' || c == '\r') {
                    break;
                }
                pos++;
            }
            int e = pos;
            if (first == 't' || first == 'T' || first == 'f' || first == 'F') {
                int v = bool(s, e);
                if (v < 0) {
                    throw new SyntaxError("invalid boolean in field '" + key + "'");
                }
                if (m != null) {
                    b.field(key, v);
                }
                return;
            }
            if (first == '-' || first == '.' || (first >= '0' && first <= '9')) {
                number(key, s, e, m);
                return;
            }
            throw new SyntaxError("value of field '" + key + "' is not a number, boolean or quoted string");
        }

        private void number(String key, int s, int e, Measurement m) {
            byte last = d[e - 1];
            double v;
            if (last == 'i' || last == 'u') {
                boolean signed = last == 'i';
                if (!digits(signed && d[s] == '-' ? s + 1 : s, e - 1)) {
                    throw new SyntaxError("invalid " + (signed ? "integer" : "unsigned integer") + " in field '" + key + "'");
                }
                String text = ascii(s, e - 1);
                try {
                    v = signed ? (double) Long.parseLong(text) : unsignedToDouble(Long.parseUnsignedLong(text));
                } catch (NumberFormatException overflow) {
                    note(RejectReason.OUT_OF_RANGE, "field '" + key + "' beyond " + (signed ? "int64" : "uint64"));
                    return;
                }
            } else {
                if (!isFloat(s, e)) {
                    throw new SyntaxError("invalid number in field '" + key + "'");
                }
                v = Double.parseDouble(ascii(s, e));
                if (Double.isInfinite(v)) {
                    note(RejectReason.OUT_OF_RANGE, "field '" + key + "' beyond the float64 range");
                    return;
                }
            }
            if (m != null) {
                b.field(key, v);
            }
        }

        /** {@code timestamp = [ "-" ] decimal_digits}, int64 nanoseconds. */
        private void timestamp(Measurement m) {
            int s = pos;
            if (d[pos] == '-') {
                pos++;
            }
            int digitsStart = pos;
            while (pos < end && d[pos] >= '0' && d[pos] <= '9') {
                pos++;
            }
            if (pos == digitsStart || (pos < end && d[pos] != ' ' && !atEol())) {
                throw new SyntaxError("invalid timestamp");
            }
            long nanos;
            try {
                nanos = Long.parseLong(ascii(s, pos));
            } catch (NumberFormatException overflow) {
                note(RejectReason.OUT_OF_RANGE, "timestamp beyond int64");
                return;
            }
            if (m != null) {
                b.timestampMillis(Math.floorDiv(nanos, 1_000_000L));
            }
        }

        /** {@code stringfield = '"' { not('"' | '\') | '\' any_char } '"'}. */
        private String quoted(String key) {
            pos++;
            int s = pos;
            boolean escaped = false;
            boolean high = false;
            while (pos < end) {
                byte c = d[pos];
                if (c == '"') {
                    break;
                }
                if (c == '\\' && pos + 1 < end && stringEscape(d[pos + 1]) != 0) {
                    escaped = true;
                    pos += 2;
                    continue;
                }
                high |= c < 0;
                pos++;
            }
            if (pos >= end) {
                throw new SyntaxError("unterminated string in field '" + key + "'");
            }
            int e = pos;
            pos++;
            byte[] src = d;
            int from = s;
            int len = e - s;
            if (escaped) {
                ensureUnescaped(len);
                int n = 0;
                for (int i = s; i < e; i++) {
                    byte c = d[i];
                    byte r;
                    if (c == '\\' && i + 1 < e && (r = stringEscape(d[i + 1])) != 0) {
                        unescaped[n++] = r;
                        i++;
                    } else {
                        unescaped[n++] = c;
                    }
                }
                src = unescaped;
                from = 0;
                len = n;
            }
            if (high && !Utf8.valid(src, from, from + len)) {
                throw new SyntaxError("invalid UTF-8 in the string of field '" + key + "'");
            }
            if (len > limits.maxStringBytes()) {
                note(RejectReason.STRING_TOO_LONG, "string of field '" + key + "' is " + len + " bytes > "
                        + limits.maxStringBytes());
                return "";
            }
            return new String(src, from, len, StandardCharsets.UTF_8);
        }

        /** The byte a {@code \x} stands for in a string value, or 0 when {@code \} is literal there. */
        private static byte stringEscape(byte c) {
            return switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                default -> 0;
            };
        }

        /** Whether {@code \c} is an escape in a measurement (comma, space) or a key or tag value (also '='). */
        private static boolean tokenEscape(byte c, boolean measurement) {
            return c == ',' || c == ' ' || (!measurement && c == '=');
        }

        /**
         * Reads a measurement name, key or tag value up to an unescaped delimiter: comma, space, a control character
         * and, outside a measurement, '='. A backslash before anything but its element's delimiters is literal.
         */
        private void readToken(boolean measurement) {
            tokStart = pos;
            tokEscaped = false;
            tokHigh = false;
            tokMeasurement = measurement;
            while (pos < end) {
                byte c = d[pos];
                if (c == '\\' && pos + 1 < end && tokenEscape(d[pos + 1], measurement)) {
                    tokEscaped = true;
                    pos += 2;
                    continue;
                }
                if ((c >= 0 && c < 0x20) || c == 0x7f || c == ',' || c == ' ' || (!measurement && c == '=')) {
                    break;
                }
                tokHigh |= c < 0;
                pos++;
            }
            tokEnd = pos;
        }

        /** The last token, unescaped; a syntax error when it is not UTF-8. Sets {@link #tokBytes}. */
        private String tokenString() {
            byte[] src = d;
            int from = tokStart;
            int len = tokEnd - tokStart;
            if (tokEscaped) {
                ensureUnescaped(len);
                int n = 0;
                for (int i = tokStart; i < tokEnd; i++) {
                    byte c = d[i];
                    if (c == '\\' && i + 1 < tokEnd && tokenEscape(d[i + 1], tokMeasurement)) {
                        unescaped[n++] = d[++i];
                    } else {
                        unescaped[n++] = c;
                    }
                }
                src = unescaped;
                from = 0;
                len = n;
            }
            if (tokHigh && !Utf8.valid(src, from, from + len)) {
                throw new SyntaxError("invalid UTF-8");
            }
            tokBytes = len;
            return new String(src, from, len, tokHigh ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }

        /** {@code id_too_long} when the last token is over the limit; {@code what + key} names it (built only then). */
        private void checkId(String what, String key) {
            if (tokBytes > limits.maxIdBytes()) {
                note(RejectReason.ID_TOO_LONG, what + (key == null ? "" : key) + " is " + tokBytes + " bytes > "
                        + limits.maxIdBytes());
            }
        }

        private boolean firstTagKey(String key) {
            if (tagKeySet != null) {
                return tagKeySet.add(key);
            }
            if (tagKeys.contains(key)) {
                return false;
            }
            tagKeys.add(key);
            if (tagKeys.size() > 16) {
                tagKeySet = new HashSet<>(tagKeys); // many tags: stay linear, not quadratic
            }
            return true;
        }

        /** The first failure of a syntactically valid line; reported once the whole line has parsed. */
        private void note(RejectReason reason, String detail) {
            if (failure == null) {
                failure = reason;
                failureDetail = detail;
            }
        }

        private void ensureUnescaped(int len) {
            if (unescaped.length < len) {
                unescaped = new byte[Math.max(len, unescaped.length * 2)];
            }
        }

        /** {@code "\n"}, {@code "\r\n"}, or {@code "\r"} as the last byte. */
        private boolean atEol() {
            byte c = d[pos];
            return c == '\n' || (c == '\r' && (pos + 1 == end || d[pos + 1] == '\n'));
        }

        private void endOfLine() {
            if (pos >= end) {
                return;
            }
            if (!atEol()) {
                throw new SyntaxError("unexpected character " + hex(d[pos] & 0xff));
            }
            pos += d[pos] == '\r' && pos + 1 < end ? 2 : 1;
        }

        private void skipSpaces() {
            while (pos < end && d[pos] == ' ') {
                pos++;
            }
        }

        private boolean digits(int s, int e) {
            if (s >= e) {
                return false;
            }
            for (int i = s; i < e; i++) {
                if (d[i] < '0' || d[i] > '9') {
                    return false;
                }
            }
            return true;
        }

        /**
         * {@code floatfield = [ "-" ] non_negative_float}; {@code non_negative_float = digits [ "." [ digits ] [ exp ] ]
         * | digits exp | "." digits [ exp ]}; {@code exp = ("e" | "E") [ "+" | "-" ] digits}.
         */
        private boolean isFloat(int s, int e) {
            int i = s;
            if (i < e && d[i] == '-') {
                i++;
            }
            int intStart = i;
            while (i < e && d[i] >= '0' && d[i] <= '9') {
                i++;
            }
            boolean intDigits = i > intStart;
            boolean fracDigits = false;
            if (i < e && d[i] == '.') {
                i++;
                int fracStart = i;
                while (i < e && d[i] >= '0' && d[i] <= '9') {
                    i++;
                }
                fracDigits = i > fracStart;
            }
            if (!intDigits && !fracDigits) {
                return false;
            }
            if (i < e && (d[i] == 'e' || d[i] == 'E')) {
                i++;
                if (i < e && (d[i] == '+' || d[i] == '-')) {
                    i++;
                }
                int expStart = i;
                while (i < e && d[i] >= '0' && d[i] <= '9') {
                    i++;
                }
                if (i == expStart) {
                    return false;
                }
            }
            return i == e;
        }

        /** 1, 0, or -1 when not one of the grammar's ten spellings. */
        private int bool(int s, int e) {
            return switch (ascii(s, e)) {
                case "t", "T", "true", "True", "TRUE" -> 1;
                case "f", "F", "false", "False", "FALSE" -> 0;
                default -> -1;
            };
        }

        private String ascii(int s, int e) {
            return new String(d, s, e - s, StandardCharsets.ISO_8859_1);
        }

        private static double unsignedToDouble(long v) {
            return v >= 0 ? (double) v : ((v >>> 1) | (v & 1)) * 2.0;
        }

        private static String hex(int c) {
            return String.format("0x%02x", c);
        }

        /** The current line's start, for the log (escaped there). */
        private String excerpt() {
            int e = lineStart;
            int max = Math.min(end, lineStart + EXCERPT_BYTES);
            while (e < max && d[e] != '\n') {
                e++;
            }
            String s = new String(d, lineStart, e - lineStart, StandardCharsets.UTF_8);
            return e < end && d[e] != '\n' ? s + "…" : s;
        }
    }
}

package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;

/**
 * A datagram's walk through InfluxDB line protocol, as {@link LineProtocolDecoder} describes. Not thread-safe:
 * the decoder keeps one per thread and calls {@link #parse} for each datagram, so that the parser, its record
 * builder and buffers are not garbage per datagram.
 */
final class LineProtocolParser {
    /** Bytes of a line quoted in a drop's log detail. */
    private static final int EXCERPT_BYTES = 120;

    private byte[] d;
    private int end;
    private final IngestLimits limits;
    private long nowMillis;
    private RecordSink sink;
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
    private final LineProtocolSyntax.TagKeys tagKeys = new LineProtocolSyntax.TagKeys();

    LineProtocolParser(IngestLimits limits) {
        this.limits = limits;
        this.b = new RecordBuilder(limits);
    }

    /** Parses {@code d[from, end)}; keeps no reference to the datagram or the sink afterwards. */
    void parse(byte[] d, int from, int end, long nowMillis, RecordSink sink) {
        this.d = d;
        this.pos = from;
        this.end = end;
        this.nowMillis = nowMillis;
        this.sink = sink;
        try {
            lines();
        } finally {
            this.d = null;
            this.sink = null;
        }
    }

    /** {@code lines = line { ["\r"] "\n" line } ["\r"]}; {@code line = { " " } [ point | comment ]}. */
    private void lines() {
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
            } catch (LineSyntaxError e) {
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
                throw new LineSyntaxError("control character " + LineProtocolSyntax.hex(c) + " in a comment");
            }
            pos++;
        }
        endOfLine();
    }

    private void point() {
        failure = null;
        failureDetail = null;
        tagKeys.clear();

        readToken(true);
        if (tokEnd == tokStart) {
            throw new LineSyntaxError("invalid character " + LineProtocolSyntax.hex(d[pos] & 0xff) + " at the start of the measurement");
        }
        String name = tokenString();
        checkId("measurement", null);
        Measurement m = Measurement.byName(name);
        if (m != null) {
            b.reset(m);
        }

        while (pos < end && d[pos] == ',') {
            pos++;
            String key = keyAndEquals("tag key", "expected a tag key after ','");
            readToken(false);
            if (tokEnd == tokStart) {
                throw new LineSyntaxError("no value for tag '" + key + "'");
            }
            String value = tokenString();
            checkId("value of tag ", key);
            if (!tagKeys.first(key)) {
                throw new LineSyntaxError("duplicate tag key '" + key + "'");
            }
            if (m != null) {
                b.tag(key, value);
            }
        }
        if (pos >= end || d[pos] != ' ') {
            throw new LineSyntaxError(pos >= end || atEol() ? "no field set" : "unexpected character " + LineProtocolSyntax.hex(d[pos] & 0xff));
        }
        skipSpaces();

        while (true) {
            String key = keyAndEquals("field key", "expected a field key");
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
            throw new LineSyntaxError("no value for field '" + key + "'");
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
            int v = LineProtocolSyntax.bool(d, s, e);
            if (v < 0) {
                throw new LineSyntaxError("invalid boolean in field '" + key + "'");
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
        throw new LineSyntaxError("value of field '" + key + "' is not a number, boolean or quoted string");
    }

    private void number(String key, int s, int e, Measurement m) {
        byte last = d[e - 1];
        double v;
        if (last == 'i' || last == 'u') {
            boolean signed = last == 'i';
            if (!LineProtocolSyntax.digits(d, signed && d[s] == '-' ? s + 1 : s, e - 1)) {
                throw new LineSyntaxError("invalid " + (signed ? "integer" : "unsigned integer") + " in field '" + key + "'");
            }
            String text = LineProtocolSyntax.ascii(d, s, e - 1);
            try {
                v = signed ? (double) Long.parseLong(text) : LineProtocolSyntax.unsignedToDouble(Long.parseUnsignedLong(text));
            } catch (NumberFormatException overflow) {
                note(RejectReason.OUT_OF_RANGE, "field '" + key + "' beyond " + (signed ? "int64" : "uint64"));
                return;
            }
        } else {
            if (!LineProtocolSyntax.isFloat(d, s, e)) {
                throw new LineSyntaxError("invalid number in field '" + key + "'");
            }
            v = Double.parseDouble(LineProtocolSyntax.ascii(d, s, e));
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
            throw new LineSyntaxError("invalid timestamp");
        }
        long nanos;
        try {
            nanos = Long.parseLong(LineProtocolSyntax.ascii(d, s, pos));
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
            if (c == '\\' && pos + 1 < end && LineProtocolSyntax.stringEscape(d[pos + 1]) != 0) {
                escaped = true;
                pos += 2;
                continue;
            }
            high |= c < 0;
            pos++;
        }
        if (pos >= end) {
            throw new LineSyntaxError("unterminated string in field '" + key + "'");
        }
        int e = pos;
        pos++;
        byte[] src = d;
        int from = s;
        int len = e - s;
        if (escaped) {
            ensureUnescaped(len);
            len = LineProtocolSyntax.unescapeString(d, s, e, unescaped);
            src = unescaped;
            from = 0;
        }
        if (high && !Utf8.valid(src, from, from + len)) {
            throw new LineSyntaxError("invalid UTF-8 in the string of field '" + key + "'");
        }
        if (len > limits.maxStringBytes()) {
            note(RejectReason.STRING_TOO_LONG, "string of field '" + key + "' is " + len + " bytes > "
                    + limits.maxStringBytes());
            return "";
        }
        return new String(src, from, len, StandardCharsets.UTF_8);
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
            if (c == '\\' && pos + 1 < end && LineProtocolSyntax.tokenEscape(d[pos + 1], measurement)) {
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
            len = LineProtocolSyntax.unescapeToken(d, tokStart, tokEnd, tokMeasurement, unescaped);
            src = unescaped;
            from = 0;
        }
        if (tokHigh && !Utf8.valid(src, from, from + len)) {
            throw new LineSyntaxError("invalid UTF-8");
        }
        tokBytes = len;
        return new String(src, from, len, tokHigh ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** {@code id_too_long} when the last token is over the limit; {@code what + key} names it (built only then). */
    /** A tag or field key ({@code what}) and the '=' after it; {@code missing} is the error when there is no key. */
    private String keyAndEquals(String what, String missing) {
        readToken(false);
        if (tokEnd == tokStart) {
            throw new LineSyntaxError(missing);
        }
        String key = tokenString();
        checkId(what, null);
        if (pos >= end || d[pos] != '=') {
            throw new LineSyntaxError("expected '=' after " + what + " '" + key + "'");
        }
        pos++;
        return key;
    }

    private void checkId(String what, String key) {
        if (tokBytes > limits.maxIdBytes()) {
            note(RejectReason.ID_TOO_LONG, what + (key == null ? "" : key) + " is " + tokBytes + " bytes > "
                    + limits.maxIdBytes());
        }
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
            throw new LineSyntaxError("unexpected character " + LineProtocolSyntax.hex(d[pos] & 0xff));
        }
        pos += d[pos] == '\r' && pos + 1 < end ? 2 : 1;
    }

    private void skipSpaces() {
        while (pos < end && d[pos] == ' ') {
            pos++;
        }
    }

    /** The current line's start, for the log (escaped there). */
    private String excerpt() {
        return LineProtocolSyntax.excerpt(d, lineStart, end, EXCERPT_BYTES);
    }
}

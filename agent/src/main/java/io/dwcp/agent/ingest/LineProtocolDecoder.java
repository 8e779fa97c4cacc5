package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;

/**
 * InfluxDB line protocol, as Telegraf's {@code outputs.socket_writer} sends it over UDP:
 * {@code measurement,tag=v,... field=v,... [timestamp]}, one or more lines per datagram. Timestamps are
 * nanoseconds (Telegraf's default precision); a line without one takes the arrival time.
 *
 * <p>Stateless and thread-safe.
 */
public final class LineProtocolDecoder implements MetricDecoder {
    private final long maxFutureSkewMillis;

    public LineProtocolDecoder(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        String text = new String(data, offset, length, StandardCharsets.UTF_8);
        RecordBuilder b = new RecordBuilder(maxFutureSkewMillis);
        int start = 0;
        int n = text.length();
        while (start < n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            decodeLine(text, start, lineEnd, nowMillis, b, sink);
            start = end + 1;
        }
    }

    private void decodeLine(String s, int from, int to, long nowMillis, RecordBuilder b, RecordSink sink) {
        int i = from;
        while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        if (i >= to || s.charAt(i) == '#') {
            return; // blank line or comment
        }
        Cursor c = new Cursor(s, i, to);
        String measurement = c.token(true);
        if (measurement.isEmpty()) {
            sink.reject(RejectReason.MALFORMED, "empty measurement: " + excerpt(s, from, to));
            return;
        }
        Measurement m = Measurement.byName(measurement);
        if (m == null) {
            sink.reject(RejectReason.UNKNOWN_MEASUREMENT, measurement);
            return;
        }
        b.reset(m);
        // tag set
        while (c.peek() == ',') {
            c.pos++;
            String key = c.token(false);
            if (c.peek() != '=') {
                sink.reject(RejectReason.MALFORMED, "tag without '=': " + excerpt(s, from, to));
                return;
            }
            c.pos++;
            String value = c.token(false);
            if (key.isEmpty() || value.isEmpty()) {
                sink.reject(RejectReason.MALFORMED, "empty tag key or value: " + excerpt(s, from, to));
                return;
            }
            b.tag(key, value);
        }
        if (c.peek() != ' ') {
            sink.reject(RejectReason.MALFORMED, "no field set: " + excerpt(s, from, to));
            return;
        }
        c.skipSpaces();
        // field set
        int fields = 0;
        while (true) {
            String key = c.token(false);
            if (key.isEmpty() || c.peek() != '=') {
                sink.reject(RejectReason.MALFORMED, "field without '=': " + excerpt(s, from, to));
                return;
            }
            c.pos++;
            if (!parseFieldValue(c, key, b)) {
                sink.reject(RejectReason.MALFORMED, "bad value of field " + key + ": " + excerpt(s, from, to));
                return;
            }
            fields++;
            if (c.peek() == ',') {
                c.pos++;
                continue;
            }
            break;
        }
        if (c.peek() == ' ') {
            c.skipSpaces();
            if (c.pos < to) {
                String ts = s.substring(c.pos, to).trim();
                long nanos;
                try {
                    nanos = Long.parseLong(ts);
                } catch (NumberFormatException e) {
                    sink.reject(RejectReason.MALFORMED, "bad timestamp '" + ts + "'");
                    return;
                }
                b.timestampMillis(Math.floorDiv(nanos, 1_000_000L));
                c.pos = to;
            }
        }
        if (c.pos < to) {
            sink.reject(RejectReason.MALFORMED, "trailing characters: " + excerpt(s, from, to));
            return;
        }
        if (fields == 0) {
            sink.reject(RejectReason.MALFORMED, "no fields: " + excerpt(s, from, to));
            return;
        }
        b.finish(nowMillis, sink);
    }

    private static boolean parseFieldValue(Cursor c, String key, RecordBuilder b) {
        char first = c.peek();
        if (first == '"') {
            String str = c.quoted();
            if (str == null) {
                return false;
            }
            b.category(key, str);
            return true;
        }
        int start = c.pos;
        while (c.pos < c.end) {
            char ch = c.s.charAt(c.pos);
            if (ch == ',' || ch == ' ') {
                break;
            }
            c.pos++;
        }
        String raw = c.s.substring(start, c.pos);
        if (raw.isEmpty()) {
            return false;
        }
        switch (raw) {
            case "t", "T", "true", "True", "TRUE" -> {
                b.field(key, 1);
                return true;
            }
            case "f", "F", "false", "False", "FALSE" -> {
                b.field(key, 0);
                return true;
            }
            default -> {
                // fall through to numbers
            }
        }
        char last = raw.charAt(raw.length() - 1);
        try {
            if (last == 'i' || last == 'u') {
                b.field(key, (double) Long.parseLong(raw.substring(0, raw.length() - 1)));
            } else {
                // Line protocol allows NaN/Inf to be written; they parse here and are rejected as NON_FINITE.
                b.field(key, Double.parseDouble(raw));
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String excerpt(String s, int from, int to) {
        int end = Math.min(to, from + 120);
        return s.substring(from, end) + (end < to ? "…" : "");
    }

    /** Walks one line, honouring backslash escapes of ',', '=', ' ' and '\\'. */
    private static final class Cursor {
        final String s;
        final int end;
        int pos;

        Cursor(String s, int pos, int end) {
            this.s = s;
            this.pos = pos;
            this.end = end;
        }

        char peek() {
            return pos < end ? s.charAt(pos) : '\0';
        }

        void skipSpaces() {
            while (pos < end && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        /** A key, tag value or measurement name up to an unescaped delimiter. */
        String token(boolean measurement) {
            StringBuilder sb = null;
            int start = pos;
            while (pos < end) {
                char ch = s.charAt(pos);
                if (ch == '\\' && pos + 1 < end) {
                    if (sb == null) {
                        sb = new StringBuilder(s.substring(start, pos));
                    }
                    sb.append(s.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                if (ch == ',' || ch == ' ' || (!measurement && ch == '=')) {
                    break;
                }
                if (sb != null) {
                    sb.append(ch);
                }
                pos++;
            }
            return sb != null ? sb.toString() : s.substring(start, pos);
        }

        /** A double-quoted string field value; null if unterminated. */
        String quoted() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (pos < end) {
                char ch = s.charAt(pos);
                if (ch == '\\' && pos + 1 < end) {
                    sb.append(s.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                if (ch == '"') {
                    pos++;
                    return sb.toString();
                }
                sb.append(ch);
                pos++;
            }
            return null;
        }
    }
}

package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;

/** The lexical rules of InfluxDB line protocol that need no parser state (see {@link LineProtocolDecoder}). */
final class LineProtocolSyntax {
    private LineProtocolSyntax() {}

    /** The byte a {@code \x} stands for in a string value, or 0 when {@code \} is literal there. */
    static byte stringEscape(byte c) {
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
    static boolean tokenEscape(byte c, boolean measurement) {
        return c == ',' || c == ' ' || (!measurement && c == '=');
    }

    static boolean digits(byte[] d, int s, int e) {
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
    static boolean isFloat(byte[] d, int s, int e) {
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
    static int bool(byte[] d, int s, int e) {
        return switch (ascii(d, s, e)) {
            case "t", "T", "true", "True", "TRUE" -> 1;
            case "f", "F", "false", "False", "FALSE" -> 0;
            default -> -1;
        };
    }

    static String ascii(byte[] d, int s, int e) {
        return new String(d, s, e - s, StandardCharsets.ISO_8859_1);
    }

    static double unsignedToDouble(long v) {
        return v >= 0 ? (double) v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    static String hex(int c) {
        return String.format("0x%02x", c);
    }

    /** Copies token bytes {@code d[s, e)} into {@code out} without their escapes; returns the length. */
    static int unescapeToken(byte[] d, int s, int e, boolean measurement, byte[] out) {
        int n = 0;
        for (int i = s; i < e; i++) {
            byte c = d[i];
            if (c == '\\' && i + 1 < e && tokenEscape(d[i + 1], measurement)) {
                out[n++] = d[++i];
            } else {
                out[n++] = c;
            }
        }
        return n;
    }

    /** Copies string-value bytes {@code d[s, e)} into {@code out} with their escapes resolved; returns the length. */
    static int unescapeString(byte[] d, int s, int e, byte[] out) {
        int n = 0;
        for (int i = s; i < e; i++) {
            byte c = d[i];
            byte r;
            if (c == '\\' && i + 1 < e && (r = stringEscape(d[i + 1])) != 0) {
                out[n++] = r;
                i++;
            } else {
                out[n++] = c;
            }
        }
        return n;
    }

    /** Up to {@code max} bytes of the line starting at {@code lineStart}, "…" when cut. */
    static String excerpt(byte[] d, int lineStart, int end, int max) {
        int e = lineStart;
        int stop = Math.min(end, lineStart + max);
        while (e < stop && d[e] != '\n') {
            e++;
        }
        String s = new String(d, lineStart, e - lineStart, StandardCharsets.UTF_8);
        return e < end && d[e] != '\n' ? s + "…" : s;
    }

    /** The tag keys of one line, to refuse a key given twice; linear however many tags a line has. */
    static final class TagKeys {
        private final java.util.List<String> keys = new java.util.ArrayList<>();
        private java.util.Set<String> set;

        void clear() {
            keys.clear();
            set = null;
        }

        /** False when {@code key} was already seen on this line. */
        boolean first(String key) {
            if (set != null) {
                return set.add(key);
            }
            if (keys.contains(key)) {
                return false;
            }
            keys.add(key);
            if (keys.size() > 16) {
                set = new java.util.HashSet<>(keys); // many tags: stay linear, not quadratic
            }
            return true;
        }
    }
}

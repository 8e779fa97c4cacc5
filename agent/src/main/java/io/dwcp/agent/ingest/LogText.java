package io.dwcp.agent.ingest;

/**
 * Makes input-derived text safe for one log line (issue 17): control characters (C0, DEL, C1), line and
 * paragraph separators and bidirectional overrides are written as escapes ({@code \n}, {@code \x1b}, U+2028 as
 * a backslash-u escape), so a sender cannot forge log lines or drive the operator's terminal. Backslashes are
 * left as they are (line protocol is full of them), so an escape in the log may also be one the sender wrote.
 * Long text is cut. Stateless.
 */
public final class LogText {
    /** Characters of input kept in one log detail; the rest is replaced by an ellipsis and the count left out. */
    static final int MAX_CHARS = 240;

    private LogText() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), MAX_CHARS);
        StringBuilder b = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String esc = escapeOf(c);
            if (esc != null && b == null) {
                b = new StringBuilder(n + 16).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        String out = b != null ? b.toString() : s.substring(0, n);
        return n < s.length() ? out + "…(" + (s.length() - n) + " more chars)" : out;
    }

    private static String escapeOf(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02x", (int) c);
        }
        if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x061c || c == 0x200e || c == 0x200f) {
            return String.format("\\u%04x", (int) c);
        }
        return null;
    }
}

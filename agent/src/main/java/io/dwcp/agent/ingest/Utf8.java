package io.dwcp.agent.ingest;

/** UTF-8 checks on raw bytes and lengths of strings, without allocating. Stateless. */
final class Utf8 {
    private Utf8() {
    }

    /**
     * Whether {@code b[from, to)} is well-formed UTF-8 as Go's {@code utf8.Valid} (and so InfluxData's decoder) judges
     * it: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence.
     */
    static boolean valid(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int lo = 0x80;
            int hi = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                if (c == 0xe0) {
                    lo = 0xa0; // overlong
                } else if (c == 0xed) {
                    hi = 0x9f; // surrogates
                }
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                if (c == 0xf0) {
                    lo = 0x90; // overlong
                } else if (c == 0xf4) {
                    hi = 0x8f; // above U+10FFFF
                }
            } else {
                return false;
            }
            if (i + n >= to) {
                return false; // truncated sequence
            }
            int c1 = b[i + 1] & 0xff;
            if (c1 < lo || c1 > hi) {
                return false;
            }
            for (int k = 2; k <= n; k++) {
                int ck = b[i + k] & 0xff;
                if (ck < 0x80 || ck > 0xbf) {
                    return false;
                }
            }
            i += n + 1;
        }
        return true;
    }

    /** Bytes of {@code s} in UTF-8 (an unpaired surrogate counts 3, as the encoder's replacement would be). */
    static int length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair, counted over its 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Whether {@code s} is longer than {@code max} UTF-8 bytes, deciding from the char count where it can. */
    static boolean longerThan(String s, int max) {
        int chars = s.length();
        if (chars > max) {
            return true; // every char is at least one byte
        }
        return chars * 3L > max && length(s) > max;
    }
}

package io.dwcp.agent.ingest;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip datagram (RFC 1952; Telegraf's socket_writer {@code content_encoding = "gzip"}, issue 18) with a
 * bound on the output: inflation stops at the first byte beyond {@code maxBytes} (a zip bomb costs that many bytes
 * and the CPU to make them, not more). The whole datagram must be gzip: one or more members, each with a valid
 * header, deflate data, CRC-32 and length; nothing after the last. {@code GZIPInputStream} is not used because it
 * ignores trailing bytes.
 *
 * <p>Not thread-safe: one per thread ({@link #forThisThread}), reused across datagrams; the inflater's native memory
 * is freed when the thread's instance is collected.
 */
final class Gunzip {
    private static final ThreadLocal<Gunzip> PER_THREAD = ThreadLocal.withInitial(Gunzip::new);
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    /** Why inflation failed; {@code null} after success. */
    RejectReason failure;
    String failureDetail;
    /** The output of the last successful call: {@code out[0, length)}; valid until the next call on this thread. */
    byte[] out = new byte[8192];
    int length;

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();

    static Gunzip forThisThread() {
        return PER_THREAD.get();
    }

    static boolean isGzip(byte[] data, int offset, int length) {
        return length >= 2 && data[offset] == (byte) 0x1f && data[offset + 1] == (byte) 0x8b;
    }

    /** Inflates {@code data[offset, offset + len)}; true on success, else {@link #failure} says why. */
    boolean inflate(byte[] data, int offset, int len, int maxBytes) {
        failure = null;
        failureDetail = null;
        length = 0;
        int pos = offset;
        int end = offset + len;
        do {
            int headerEnd = header(data, pos, end);
            if (headerEnd < 0) {
                return false;
            }
            int memberStart = length;
            inflater.reset();
            inflater.setInput(data, headerEnd, end - headerEnd);
            try {
                while (!inflater.finished()) {
                    if (length == out.length) {
                        if (length >= maxBytes) {
                            return fail(RejectReason.INFLATED_OVERSIZED, "gzip inflates beyond " + maxBytes + " bytes");
                        }
                        byte[] bigger = new byte[(int) Math.min(maxBytes + 1L, out.length * 2L)];
                        System.arraycopy(out, 0, bigger, 0, length);
                        out = bigger;
                    }
                    int room = Math.min(out.length, maxBytes + 1) - length;
                    int n = inflater.inflate(out, length, room);
                    length += n;
                    if (length > maxBytes) {
                        return fail(RejectReason.INFLATED_OVERSIZED, "gzip inflates beyond " + maxBytes + " bytes");
                    }
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        return fail(RejectReason.BAD_GZIP, "gzip data truncated");
                    }
                }
            } catch (DataFormatException e) {
                return fail(RejectReason.BAD_GZIP, "bad deflate data: " + e.getMessage());
            }
            pos = end - inflater.getRemaining();
            if (end - pos < 8) {
                return fail(RejectReason.BAD_GZIP, "gzip trailer truncated");
            }
            crc.reset();
            crc.update(out, memberStart, length - memberStart);
            long storedCrc = le32(data, pos);
            long storedSize = le32(data, pos + 4);
            if (storedCrc != crc.getValue()) {
                return fail(RejectReason.BAD_GZIP, "gzip CRC mismatch");
            }
            if (storedSize != ((length - memberStart) & 0xffffffffL)) {
                return fail(RejectReason.BAD_GZIP, "gzip length mismatch");
            }
            pos += 8;
        } while (pos < end);
        return true;
    }

    /** Checks a member header at {@code pos}; returns where its deflate data starts, or -1 having set the failure. */
    private int header(byte[] d, int pos, int end) {
        if (end - pos < 10 || !isGzip(d, pos, end - pos)) {
            fail(RejectReason.BAD_GZIP, "not a gzip member at byte " + pos);
            return -1;
        }
        int method = d[pos + 2] & 0xff;
        int flags = d[pos + 3] & 0xff;
        if (method != 8 || (flags & 0xe0) != 0) {
            fail(RejectReason.BAD_GZIP, "unsupported gzip method " + method + " or flags " + flags);
            return -1;
        }
        int p = pos + 10;
        if ((flags & FEXTRA) != 0) {
            if (end - p < 2) {
                return truncatedHeader();
            }
            p += 2 + ((d[p] & 0xff) | (d[p + 1] & 0xff) << 8);
        }
        for (int f : new int[] {FNAME, FCOMMENT}) {
            if ((flags & f) != 0) {
                while (p < end && d[p] != 0) {
                    p++;
                }
                p++;
            }
        }
        if ((flags & FHCRC) != 0) {
            p += 2;
        }
        if (p > end) {
            return truncatedHeader();
        }
        return p;
    }

    private int truncatedHeader() {
        fail(RejectReason.BAD_GZIP, "gzip header truncated");
        return -1;
    }

    private boolean fail(RejectReason reason, String detail) {
        failure = reason;
        failureDetail = detail;
        return false;
    }

    private static long le32(byte[] d, int p) {
        return (d[p] & 0xffL) | (d[p + 1] & 0xffL) << 8 | (d[p + 2] & 0xffL) << 16 | (d[p + 3] & 0xffL) << 24;
    }
}

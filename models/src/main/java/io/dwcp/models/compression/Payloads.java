package io.dwcp.models.compression;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Representative transfer payloads of controllable compressibility: a mix of 4 KiB blocks that are
 * either structured text (JSON-like telemetry records and log lines built from a small vocabulary, as
 * VM/state transfers carry) or uniformly random bytes (already-compressed or encrypted content), the
 * random share set by {@code randomFraction}. Deterministic per seed; thread-safe.
 */
public final class Payloads {
    private Payloads() {}

    private static final String[] WORDS = {"node", "peer", "latency_ms", "bandwidth", "region", "us-east-1",
            "eu-west-2", "\"status\":\"ok\"", "commit", "term", "index", "leader", "follower", "snapshot", "chunk",
            "checksum", "0x7f3a", "INFO", "WARN", "transfer", "stream", "vm-", "page", "dirty", "bytes", "true",
            "false", "null", "{", "}", "[", "]", ":", ",", "\n", " "};

    public static byte[] generate(int size, double randomFraction, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] out = new byte[size];
        int block = 4096;
        for (int off = 0; off < size; off += block) {
            int len = Math.min(block, size - off);
            if (r.nextDouble() < randomFraction) {
                for (int i = 0; i < len; i++) out[off + i] = (byte) r.nextInt(256);
            } else {
                StringBuilder sb = new StringBuilder(len + 64);
                while (sb.length() < len) {
                    sb.append(WORDS[r.nextInt(WORDS.length)]);
                    if (r.nextInt(4) == 0) sb.append(r.nextInt(100000));
                }
                byte[] t = sb.toString().getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(t, 0, out, off, len);
            }
        }
        return out;
    }

    /** Order-0 Shannon entropy in bits per byte (0..8): the sender's compressibility hint. */
    public static double entropy(byte[] data) {
        long[] c = new long[256];
        for (byte b : data) c[b & 0xff]++;
        double h = 0;
        for (long n : c) {
            if (n == 0) continue;
            double p = (double) n / data.length;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.compression.Codecs;
import io.dwcp.models.compression.Payloads;
import io.dwcp.models.features.Schemas.Codec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The first-start micro-benchmark that seeds the host codec profile's speeds (issue 15): the real codecs on one
 * {@value #PAYLOAD_BYTES}-byte payload of the kind the base profile was measured on ({@link Payloads}, a
 * {@value #RANDOM_FRACTION} random share), cheapest codec first. Each codec gets an untimed round trip (which also
 * loads its native library and checks it) and {@value #REPS} timed runs, the fastest kept; zstd-max, which shares
 * zstd's library and costs ~50× more, gets one timed run. Before each codec its cost is estimated from the base
 * profile scaled by what the codecs measured so far on this host, and the codec is skipped when that would overrun
 * the budget: the benchmark stays within its budget plus one misjudged codec. A codec whose native library cannot load
 * here is skipped and named. Not thread-safe (run it alone, off the event loops).
 */
public final class HostCodecBench {
    public static final int PAYLOAD_BYTES = 128 * 1024;
    static final double RANDOM_FRACTION = 0.4;
    static final int REPS = 2;
    private static final Codec[] ORDER = {Codec.LZ4, Codec.ZSTD, Codec.BROTLI, Codec.ZSTD_MAX};

    private HostCodecBench() {}

    /** What a run measured and cost. */
    public record Result(List<Codec> measured, List<String> skipped, double wallSeconds, double cpuSeconds, double entropy) {}

    public static Result run(HostCodecProfile profile, long budgetNanos) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuTimed = mx.isCurrentThreadCpuTimeSupported();
        long cpu0 = cpuTimed ? mx.getCurrentThreadCpuTime() : 0;
        long t0 = System.nanoTime();
        long deadline = t0 + budgetNanos;
        byte[] data = Payloads.generate(PAYLOAD_BYTES, RANDOM_FRACTION, 15);
        double entropy = Payloads.entropy(data);
        List<Codec> measured = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        double slowdown = 1; // this host's time / the base's, from the codecs measured so far
        for (Codec c : ORDER) {
            double[] b = profile.base().at(c, entropy);
            boolean once = c == Codec.ZSTD_MAX;
            int runs = once ? 1 : REPS + 1;
            double estimate = runs * PAYLOAD_BYTES / 1e6 * (1 / b[1] + 1 / b[2]) * slowdown * 1e9;
            if (System.nanoTime() + estimate > deadline) {
                skipped.add(c.name().toLowerCase(java.util.Locale.ROOT) + " (over budget)");
                continue;
            }
            try {
                byte[] comp = Codecs.compress(c, data);
                if (!once) {
                    Codecs.verify(c, data);
                }
                long bestC = Long.MAX_VALUE;
                long bestD = Long.MAX_VALUE;
                for (int r = 0; r < (once ? 1 : REPS); r++) {
                    long a = System.nanoTime();
                    Codecs.compress(c, data);
                    long m = System.nanoTime();
                    Codecs.decompress(c, comp, data.length);
                    long z = System.nanoTime();
                    bestC = Math.min(bestC, m - a);
                    bestD = Math.min(bestD, z - m);
                }
                double cs = PAYLOAD_BYTES / 1e3 / Math.max(1, bestC); // bytes per ns * 1e3 = MB/s
                double ds = PAYLOAD_BYTES / 1e3 / Math.max(1, bestD);
                profile.seed(c, entropy, cs, ds);
                measured.add(c);
                slowdown = Math.max(slowdown, (1 / cs + 1 / ds) / (1 / b[1] + 1 / b[2]));
            } catch (java.io.IOException | RuntimeException | LinkageError e) {
                // LinkageError: the codec's native library is missing for this platform (brotli4j ships per arch). The
                // benchmark is optional; the codec keeps the base profile's speeds.
                skipped.add(c.name().toLowerCase(java.util.Locale.ROOT) + " (" + e + ")");
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuTimed ? (mx.getCurrentThreadCpuTime() - cpu0) / 1e9 : Double.NaN;
        return new Result(measured, skipped, wall, cpu, entropy);
    }
}

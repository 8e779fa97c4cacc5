package io.dwcp.models.serving;

import io.dwcp.models.compression.Codecs;
import io.dwcp.models.compression.Payloads;
import io.dwcp.models.features.Schemas.Codec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The first-start micro-benchmark that seeds the host codec profile's speeds (issue 15): the real codecs on a
 * {@value #PAYLOAD_BYTES}-byte payload of the kind and size the base profile was measured on ({@link Payloads}, a
 * {@value #RANDOM_FRACTION} random share; a smaller payload fits the CPU caches and reads up to 1.5× faster for brotli),
 * cheapest codec first. Each codec gets an untimed round trip (which also loads its native library and checks it) and
 * {@value #REPS} timed runs, the fastest kept; zstd-max, ~50× slower than zstd and sharing its library, gets one timed
 * run, which at ~2 MB/s (~0.5 s) does not fit the default budget: it then takes the others' factor (a slice of the
 * payload would not do: zstd level 19 tunes itself down for small inputs and read 5× faster on 128 KiB). Before each codec its cost is estimated from the base profile scaled by
 * what the codecs measured so far on this host, and the codec is skipped when that would overrun the budget: the
 * benchmark's CPU time stays within its budget plus one misjudged codec, and its wall time within
 * {@value #WALL_FACTOR} times the budget plus one codec. Codec runs are timed on the thread's CPU clock (see
 * {@link #clock}). A codec whose native library
 * cannot load here is skipped and named. Not thread-safe (run it alone, off the event loops).
 */
public final class HostCodecBench {
    public static final int PAYLOAD_BYTES = 1 << 20;
    static final double RANDOM_FRACTION = 0.4;
    static final int REPS = 2;
    private static final Codec[] ORDER = {Codec.LZ4, Codec.ZSTD, Codec.BROTLI, Codec.ZSTD_MAX};

    static final int WALL_FACTOR = 5;

    private HostCodecBench() {}

    /**
     * The thread's CPU time where the JVM has it (Linux: CLOCK_THREAD_CPUTIME_ID, ~1 µs): codec speed on a core of its
     * own, which is what the profile holds (its compression speed is scaled by the sender's load separately). The wall
     * clock would count the time the thread waited for a core: on a loaded 2-core host it read lz4 at 0.15× of its
     * speed. Wall clock otherwise.
     */
    private static long clock(ThreadMXBean mx, boolean cpuTimed) {
        return cpuTimed ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** What a run measured and cost. */
    public record Result(List<Codec> measured, List<String> skipped, double wallSeconds, double cpuSeconds, double entropy) {}

    public static Result run(HostCodecProfile profile, long budgetNanos) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuTimed = mx.isCurrentThreadCpuTimeSupported();
        long cpu0 = cpuTimed ? mx.getCurrentThreadCpuTime() : 0;
        long t0 = System.nanoTime();
        // The budget bounds the CPU the benchmark takes (what it costs the host); on a host so loaded that the thread
        // hardly runs, the wall clock gives up at WALL_FACTOR times the budget.
        long wallDeadline = t0 + WALL_FACTOR * budgetNanos;
        byte[] data = Payloads.generate(PAYLOAD_BYTES, RANDOM_FRACTION, 15);
        double entropy = Payloads.entropy(data);
        List<Codec> measured = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        double slowdown = 1; // this host's time / the base's, from the codecs measured so far
        for (Codec c : ORDER) {
            double[] b = profile.base().at(c, entropy);
            boolean slow = c == Codec.ZSTD_MAX;
            byte[] in = data;
            int runs = slow ? 1 : REPS + 1;
            double estimate = runs * in.length / 1e6 * (1 / b[1] + 1 / b[2]) * slowdown * 1e9;
            if (clock(mx, cpuTimed) - cpu0 + estimate > budgetNanos || System.nanoTime() + estimate > wallDeadline) {
                skipped.add(c.name().toLowerCase(java.util.Locale.ROOT) + " (over budget)");
                continue;
            }
            try {
                byte[] comp = Codecs.compress(c, in);
                if (!slow) {
                    Codecs.verify(c, in);
                }
                long bestC = Long.MAX_VALUE;
                long bestD = Long.MAX_VALUE;
                for (int r = 0; r < (slow ? 1 : REPS); r++) {
                    long a = clock(mx, cpuTimed);
                    Codecs.compress(c, in);
                    long m = clock(mx, cpuTimed);
                    Codecs.decompress(c, comp, in.length);
                    long z = clock(mx, cpuTimed);
                    bestC = Math.min(bestC, m - a);
                    bestD = Math.min(bestD, z - m);
                }
                double cs = in.length * 1e3 / Math.max(1, bestC); // bytes per ns * 1e3 = MB/s
                double ds = in.length * 1e3 / Math.max(1, bestD);
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

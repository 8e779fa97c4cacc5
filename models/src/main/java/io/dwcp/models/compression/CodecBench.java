package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.Codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the real codecs on {@link Payloads} of several compressibilities: ratio (deterministic) and
 * single-thread speeds (fastest of {@code reps} timed runs, after a verifying warm-up). Timings depend on the machine
 * and its load, which is why training uses the committed profile unless asked to re-measure.
 * Not thread-safe (time it alone).
 */
public final class CodecBench {
    private CodecBench() {}

    public static final double[] RANDOM_FRACTIONS = {0.0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95, 1.0};

    public static CodecProfile measure(int payloadBytes, int reps, long seed) throws IOException {
        List<CodecProfile.Point> pts = new ArrayList<>();
        int n = Codec.values().length;
        for (int i = 0; i < RANDOM_FRACTIONS.length; i++) {
            byte[] data = Payloads.generate(payloadBytes, RANDOM_FRACTIONS[i], seed + i);
            double[] ratio = new double[n], cs = new double[n], ds = new double[n];
            for (Codec c : Codec.values()) {
                int k = c.ordinal();
                if (c == Codec.NONE) {
                    ratio[k] = 1;
                    cs[k] = Double.POSITIVE_INFINITY;
                    ds[k] = Double.POSITIVE_INFINITY;
                    continue;
                }
                Codecs.verify(c, data);
                byte[] comp = Codecs.compress(c, data);
                ratio[k] = (double) comp.length / data.length;
                double[] ct = new double[reps], dt = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    Codecs.compress(c, data);
                    long t1 = System.nanoTime();
                    Codecs.decompress(c, comp, data.length);
                    long t2 = System.nanoTime();
                    ct[r] = (t1 - t0) / 1e9;
                    dt[r] = (t2 - t1) / 1e9;
                }
                cs[k] = data.length / 1e6 / min(ct);
                ds[k] = data.length / 1e6 / min(dt);
            }
            // NONE has no CPU cost; store a large finite speed so JSON stays valid.
            cs[0] = 1e9;
            ds[0] = 1e9;
            pts.add(new CodecProfile.Point(Payloads.entropy(data), RANDOM_FRACTIONS[i], ratio, cs, ds));
        }
        String on = System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cpus, java "
                + System.getProperty("java.version") + ", " + payloadBytes + " B payloads, median of " + reps;
        return new CodecProfile(on, pts);
    }

    /** The fastest run: on a shared machine the minimum is the least load-disturbed estimate. */
    private static double min(double[] a) {
        return Arrays.stream(a).min().orElseThrow();
    }
}

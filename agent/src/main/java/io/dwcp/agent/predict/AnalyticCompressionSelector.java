package io.dwcp.agent.predict;

import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.features.Schemas;
import java.util.ArrayList;
import java.util.List;

/**
 * Fallback codec choice when the trained selector is missing: minimises modelled transfer time
 * {@code compress + bytes/bandwidth + decompress} using nominal single-core codec speeds and a ratio
 * derived from the sender's entropy hint. The speeds are typical published single-thread figures (lz4
 * ~700/3000 MB/s, zstd-3 ~350/1000, zstd-19 ~10/1000, brotli-5 ~70/350), and the fraction of the entropy
 * bound each codec reaches is a rough guess; the trained selector replaces this with a measured oracle.
 * Stateless, safe for concurrent calls.
 */
public final class AnalyticCompressionSelector implements Predictor<float[], CompressionDecision> {
    private static final int BW = Schemas.COMPRESSION.indexOf("bandwidth_mbps");
    private static final int PAYLOAD = Schemas.COMPRESSION.indexOf("payload_bytes");
    private static final int ENTROPY = Schemas.COMPRESSION.indexOf("entropy_bits_per_byte");
    private static final int CPU = Schemas.COMPRESSION.indexOf("cpu_usage");

    // Per codec (Go enum order): compress MB/s, decompress MB/s, fraction of the entropy saving reached, level.
    private static final double[][] NOMINAL = {
        {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0.0, 0},
        {700, 3000, 0.55, 1},
        {350, 1000, 0.75, 3},
        {10, 1000, 0.85, 19},
        {70, 350, 0.82, 5},
    };

    @Override
    public String name() {
        return "baseline-analytic";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<CompressionDecision> predictBatch(List<float[]> inputs) {
        List<CompressionDecision> out = new ArrayList<>(inputs.size());
        for (float[] x : inputs) {
            out.add(select(x));
        }
        return out;
    }

    public CompressionDecision select(float[] x) {
        double bytes = Math.max(1, x[PAYLOAD]);
        double bwBytesPerS = Math.max(1e-3, x[BW]) * 1e6 / 8;
        double entropy = Math.min(8, Math.max(0, x[ENTROPY]));
        // Busy CPUs compress slower; never below a quarter of nominal.
        double cpuFactor = Math.max(0.25, 1 - x[CPU]);
        double none = bytes / bwBytesPerS;
        int best = 0;
        double bestT = none;
        double second = Double.POSITIVE_INFINITY;
        for (int c = 1; c < NOMINAL.length; c++) {
            double ratio = 1.0 / (1.0 - NOMINAL[c][2] * (1.0 - entropy / 8.0));
            double t = bytes / (NOMINAL[c][0] * 1e6 * cpuFactor) + (bytes / ratio) / bwBytesPerS
                    + bytes / (NOMINAL[c][1] * 1e6 * cpuFactor);
            if (t < bestT) {
                second = bestT;
                bestT = t;
                best = c;
            } else if (t < second) {
                second = t;
            }
        }
        // Finite for every input the decoders let through (bandwidth >= 1 kbit/s and payload >= 1 byte above);
        // the guard keeps a future change from streaming NaN (issue 17 item 2).
        double gain = 1 - bestT / none;
        // Confidence from the margin over the runner-up: a near tie is a coin toss.
        double margin = Double.isInfinite(second) ? 1 : (second - bestT) / second;
        return new CompressionDecision(best, (int) NOMINAL[best][3], Double.isFinite(gain) ? gain : 0,
                Double.isFinite(margin) ? Stats.clamp01(0.5 + 5 * margin) : 0.5);
    }

    public static String codecName(int codec) {
        return Codec.values()[codec].name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

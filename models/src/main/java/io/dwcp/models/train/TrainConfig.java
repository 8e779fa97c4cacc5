package io.dwcp.models.train;

import java.nio.file.Path;

/**
 * Parameters of one training run, shared by all trainers. {@code scale} shrinks data sizes and epochs
 * (1.0 = the shipped defaults, small values for tests). Immutable.
 *
 * @param seed        seed for data generation, splits, initialisation and shuffling
 * @param maxEpochs   upper bound on epochs (early stopping usually ends sooner)
 * @param outputDir   where {@code <model>/} artifact folders are written
 * @param dataPath    optional operator data ({@code dwcp_metrics.csv}, traces folder, or NAB csv); null = synthetic
 * @param tracesDir   optional folder of {@code t_s<TAB>Mbps} traces for the forecaster; null = the bundled subset
 * @param targetAccuracy the headline target (0.98)
 * @param scale       data-size multiplier
 * @param threads     TensorFlow intra-op threads
 * @param progress    show a progress bar on stderr
 */
public record TrainConfig(long seed, int maxEpochs, Path outputDir, Path dataPath, Path tracesDir,
                          double targetAccuracy, double scale, int threads, boolean progress) {
    public TrainConfig {
        if (maxEpochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + maxEpochs);
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be > 0, got " + scale);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    public int scaled(int n, int min) {
        return Math.max(min, (int) Math.round(n * scale));
    }

    public static TrainConfig quick(Path out, long seed) {
        return new TrainConfig(seed, 3, out, null, null, 0.98, 0.05, 1, false);
    }
}

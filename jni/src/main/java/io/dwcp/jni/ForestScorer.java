package io.dwcp.jni;

import java.nio.DoubleBuffer;

/**
 * Batched Isolation Forest scoring: rows {@code [n][nFeatures]} (row-major doubles) in, one anomaly score
 * per row out, {@code 2^(-mean path length / normalizer)} as defined by {@link FlatForest}. Every
 * implementation returns the same bits as the Java reference for the C kernels, and the same bits for
 * CUDA too (the kernels only add path lengths in tree order; {@link FlatForest#score(double)} is applied
 * on the Java side), though the contract promised to callers for CUDA is 1e-6 relative.
 *
 * <p>Errors, whatever the implementation: a NaN feature is an {@link IllegalArgumentException} naming the
 * first such row and column (nothing useful is written to {@code out} then); sizes that do not fit are
 * {@link IllegalArgumentException}s; use after {@link #close()} is an {@link IllegalStateException}; a
 * CUDA or native allocation failure is a {@link KernelException}.
 *
 * <p>Thread-safety: all implementations may be called from several threads at once. The C and Java ones
 * run concurrently; the CUDA one serialises calls on one scorer (they share device buffers).
 * {@link #close()} waits for running calls and is idempotent.
 *
 * <pre>{@code
 * try (ForestScorer s = ForestScorer.create(forest)) {      // CUDA > C > Java, see Kernels.describe()
 *     log.info("anomaly scoring on {}", s.implementation());
 *     s.score(rows, n, scores);
 * }
 * }</pre>
 */
public interface ForestScorer extends AutoCloseable {

    /**
     * A scorer on the {@linkplain Kernels#selected() selected} implementation (the best available one, or
     * the one pinned by {@code -Ddwcp.kernels}); when that one cannot take this forest (a
     * {@link KernelException}, e.g. out of GPU memory), the next available implementation below it, so
     * {@link Implementation#JAVA} is the last resort. {@link #implementation()} says which one it is.
     *
     * @throws UnsatisfiedLinkError when the pinned implementation is unavailable
     * @throws IllegalArgumentException for an unknown pinned name
     * @throws KernelException when no implementation took the forest (the others' failures suppressed)
     */
    static ForestScorer create(FlatForest forest) {
        Implementation selected = Kernels.selected();
        KernelException first = null;
        for (Implementation impl : Implementation.values()) {
            if (impl.ordinal() < selected.ordinal() || (impl != selected && !Kernels.isAvailable(impl))) {
                continue;
            }
            try {
                return create(forest, impl);
            } catch (KernelException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first;
    }

    /**
     * A scorer on {@code impl}.
     *
     * @throws UnsatisfiedLinkError when {@code impl} is unavailable (the cause says why)
     * @throws KernelException when the forest cannot be uploaded (e.g. out of GPU memory)
     */
    static ForestScorer create(FlatForest forest, Implementation impl) {
        return switch (impl) {
            case JAVA -> new PackedJavaForestScorer(forest);
            case C -> new NativeForestScorer(forest, Implementation.C);
            case CUDA -> new NativeForestScorer(forest, Implementation.CUDA);
        };
    }

    Implementation implementation();

    FlatForest forest();

    /**
     * Scores rows {@code rows[i * nFeatures .. (i + 1) * nFeatures)} for {@code i < n} into {@code out[i]}.
     * {@code n == 0} does nothing.
     */
    void score(double[] rows, int n, double[] out);

    /**
     * As {@link #score(double[], int, double[])}, reading {@code n * nFeatures} doubles from
     * {@code rows.position()} and writing {@code n} scores from {@code out.position()}; positions are left
     * unchanged. Direct buffers in native byte order cross JNI without a copy; others are copied.
     */
    void score(DoubleBuffer rows, int n, DoubleBuffer out);

    /** Releases native memory (host or GPU). Idempotent; later calls to score throw IllegalStateException. */
    @Override
    void close();
}

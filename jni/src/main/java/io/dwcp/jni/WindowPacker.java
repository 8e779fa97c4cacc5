package io.dwcp.jni;

import java.nio.FloatBuffer;

/**
 * Batched window preparation for the sequence models: for each batch row {@code b}, the last
 * {@link #window()} samples of ring {@code select[b]} of a {@link Rings}, oldest first, scaled by a
 * {@link Scaling}, into one contiguous {@code [batch][window][nFeatures]} float tensor buffer.
 *
 * <p>Errors, whatever the implementation: a ring index out of range, or a ring holding fewer samples
 * than the window, is an {@link IllegalArgumentException} naming the batch row and ring (checked for the
 * whole batch before anything is written); a NaN sample is an {@link IllegalArgumentException} naming
 * ring, batch row, step and feature ({@code out} is then partly written); use after {@link #close()} is an
 * {@link IllegalStateException}; CUDA failures are {@link KernelException}s.
 *
 * <p>The C and Java implementations give bit-identical results (float subtraction and division, no
 * fused operations); so does CUDA, which is built without fast math. The CUDA one copies the whole ring
 * set to the GPU on every call, so it only pays off when the result feeds a GPU model; see BENCHMARKS.md.
 *
 * <p>Thread-safety: a packer may be used from several threads at once (CUDA calls take turns), as long as
 * nobody writes the {@link Rings} being packed meanwhile.
 */
public interface WindowPacker extends AutoCloseable {

    /** A packer on the {@linkplain Kernels#selected() selected} implementation. */
    static WindowPacker create(int nFeatures, int window, Scaling scaling) {
        return create(nFeatures, window, scaling, Kernels.selected());
    }

    /** @throws UnsatisfiedLinkError when {@code impl} is unavailable (the cause says why) */
    static WindowPacker create(int nFeatures, int window, Scaling scaling, Implementation impl) {
        return switch (impl) {
            case JAVA -> new JavaWindowPacker(nFeatures, window, scaling);
            case C, CUDA -> new NativeWindowPacker(nFeatures, window, scaling, impl);
        };
    }

    Implementation implementation();

    int nFeatures();

    int window();

    /** Packs {@code batch} windows, ring {@code select[b]} into {@code out[b * window * nFeatures ..]}. */
    void pack(Rings rings, int[] select, int batch, float[] out);

    /** As above, writing {@code batch * window * nFeatures} floats from {@code out.position()} (unchanged). */
    void pack(Rings rings, int[] select, int batch, FloatBuffer out);

    /** Idempotent; later calls to pack throw IllegalStateException. */
    @Override
    void close();
}

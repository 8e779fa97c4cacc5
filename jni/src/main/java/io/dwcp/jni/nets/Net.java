package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * One trained network, run outside TensorFlow: the SavedModel's serving signature as a function of
 * scaled inputs (the same tensors TF Java is fed; pre/post-processing stays with the caller).
 *
 * <p>Thread-safe: {@link #forward} may be called from many threads at once (each native call takes its
 * own scratch from a pool); {@link #close()} waits for running calls, is idempotent, and later calls
 * throw {@link IllegalStateException}. Errors: a non-finite input → {@link IllegalArgumentException}
 * naming batch row and index; arrays too short → {@link IllegalArgumentException}.
 */
public interface Net extends AutoCloseable {
    NetWeights weights();

    default NetKind kind() {
        return weights().kind();
    }

    /** The model name in the weights file (bandwidth, compression, latency, degradation). */
    default String model() {
        return weights().model();
    }

    /** {@link Implementation#C} or {@link Implementation#JAVA}. */
    Implementation implementation();

    /** Floats per input sample (e.g. 60 = 10 steps × 6 features for the forecaster). */
    int inputSize();

    /** Output names, in the order {@link #forward} fills them ({@link NetKind#outputs()}). */
    default List<String> outputs() {
        return kind().outputs();
    }

    /** Floats per sample of output {@code i}. */
    int outputSize(int i);

    /**
     * Runs {@code batch} samples: {@code x} [batch][inputSize()], row-major, from index 0; {@code outs[i]}
     * receives output i [batch][outputSize(i)]. {@code outs} may be shorter than {@link #outputs()} and may
     * hold nulls for outputs the caller does not need, but output 0 is required.
     */
    void forward(float[] x, int batch, float[]... outs);

    /**
     * As {@link #forward(float[], int, float[]...)} on buffers, read and written from their positions (which do
     * not move). Direct buffers in native byte order cross JNI without a copy (C implementation); others are
     * copied.
     */
    void forward(FloatBuffer x, int batch, FloatBuffer... outs);

    @Override
    void close();
}

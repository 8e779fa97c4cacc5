package io.dwcp.agent.registry;

import io.dwcp.models.serving.ModelArtifact;
import java.util.function.Supplier;

/**
 * One way to run a trained model (TensorFlow graph, native kernel, pure Java), as DJL ranks engines. The
 * first provider in a spec's list that creates a predictor passing its smoke test serves the model.
 */
public interface Provider<I, O> {
    /** For logs, e.g. {@code tensorflow} or {@code native-forest}. */
    String name();

    Engine engine();

    /** Builds and returns the predictor for {@code artifact}; throws (any exception) when it cannot. */
    Smokable<I, O> create(ModelArtifact artifact, Environment env) throws Exception;

    /** What runs the provider's code. */
    enum Engine {
        /** TensorFlow sessions: placed on the GPU by a GPU backend, with a CPU twin for device errors. */
        TENSORFLOW,
        /** Our C/CUDA kernels through JavaCPP (they pick CUDA > C > Java themselves). */
        NATIVE,
        /** Plain Java. */
        JAVA
    }

    /** What the backend gives providers: the session settings for TensorFlow, the serving graph choice. */
    interface Environment {
        /** Runs {@code make} with the backend's TensorFlow session settings (GPU or CPU placement). */
        <T> T tensorflow(boolean onGpu, Supplier<T> make);

        /** Whether this load is for a GPU (the TensorFlow provider's first copy) or CPU. */
        boolean onGpu();

        /** {@code dwcp.inference.fused-lstm}. */
        boolean fusedLstm();
    }
}

package io.dwcp.agent.predict;

import java.util.List;

/**
 * A model's contract in domain terms: a batch of inputs in, one output per input, same order. Implemented
 * by the trained models, native kernels and the classic baselines alike, so the pipeline never knows which
 * one it holds. A failure fails the whole batch (the caller turns it into error events / replies).
 *
 * <p>Implementations must be safe to call from one worker thread at a time at least; say in their javadoc
 * if they are safe for concurrent calls.
 */
public interface Predictor<I, O> extends AutoCloseable {
    /** Short name for logs, metrics and the {@code model_version} field, e.g. {@code baseline-harmonic-mean}. */
    String name();

    String version();

    List<O> predictBatch(List<I> inputs);

    /** The input scaler the model was trained with (from its metadata), for drift monitoring; empty for baselines. */
    default java.util.Optional<io.dwcp.models.features.Scaler> inputScaler() {
        return java.util.Optional.empty();
    }

    /** The trained model's metadata parameters (e.g. its residual prior); empty for baselines. */
    default java.util.Map<String, Object> params() {
        return java.util.Map.of();
    }

    @Override
    default void close() {}
}

package io.dwcp.agent.registry;

import io.dwcp.agent.predict.Predictor;

/** A predictor that can check itself right after loading: a model that loads but computes garbage is refused. */
public interface Smokable<I, O> extends Predictor<I, O> {
    /** Runs an inference on realistic inputs; throws when outputs are non-finite or shaped wrong. */
    void smoke();

    /** Which graph serves (fused LSTM or the SavedModel's own), for the start-up log; null = one graph. */
    default String engine() {
        return null;
    }
}

package io.dwcp.agent.inference;

import io.dwcp.agent.registry.ModelSet;
import java.nio.file.Path;

/**
 * A way to run the registered models (TensorFlow on GPU, TensorFlow on CPU, the pure-Java baselines), chosen once
 * at start by rank among the available ones, as DJL picks engines. {@link #isAvailable()} never throws and
 * is cheap after the first call; {@link #unavailabilityCause()} says why not, for the start-up log.
 */
public interface InferenceBackend {
    String name();

    /** Higher wins under {@code device=auto}. */
    int rank();

    /** Whether this backend runs on a GPU ({@code device=gpu} accepts only these, {@code cpu} only the others). */
    boolean gpu();

    boolean isAvailable();

    /** Why {@link #isAvailable()} is false; null when available. */
    String unavailabilityCause();

    /**
     * Loads the models found under {@code modelsDir} (null: the embedded defaults). A model that is missing
     * or fails validation is replaced by its baseline, with the reason in {@link Loaded#notes()}.
     */
    Loaded load(Path modelsDir);

    /**
     * What a load produced: the predictors, one line per model saying where it came from, and the models
     * that could not be loaded (missing or invalid) and were replaced by their baseline.
     */
    record Loaded(ModelSet models, java.util.List<String> notes, java.util.Set<String> failed) {
        public Loaded {
            notes = java.util.List.copyOf(notes);
            failed = java.util.Set.copyOf(failed);
        }
    }
}

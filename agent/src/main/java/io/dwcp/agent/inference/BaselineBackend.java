package io.dwcp.agent.inference;

import io.dwcp.agent.predict.ModelSet;
import java.nio.file.Path;
import java.util.List;

/** The last resort: pure-Java baselines, always available, no model files needed. */
public final class BaselineBackend implements InferenceBackend {
    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public boolean gpu() {
        return false;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public String unavailabilityCause() {
        return null;
    }

    @Override
    public Loaded load(Path modelsDir) {
        return new Loaded(ModelSet.baselines(), List.of("all models: pure-Java baselines"), java.util.Set.of());
    }
}

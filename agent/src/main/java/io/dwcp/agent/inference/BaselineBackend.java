package io.dwcp.agent.inference;

import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.registry.ModelSet;
import java.nio.file.Path;
import java.util.List;

/** The last resort: pure-Java baselines, always available, no model files needed. */
public final class BaselineBackend implements InferenceBackend {
    private final ModelRegistry models;

    public BaselineBackend(ModelRegistry models) {
        this.models = models;
    }

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
        return new Loaded(ModelSet.baselines(models), List.of("all models: pure-Java baselines"), java.util.Set.of());
    }
}

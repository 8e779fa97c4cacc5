package io.dwcp.agent.inference;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.registry.ModelRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The backends this build knows, best first. */
public final class Backends {
    private Backends() {}

    public static List<InferenceBackend> all(AgentConfig config, ModelRegistry models, MeterRegistry registry) {
        return List.of(new TensorFlowBackend(true, config, models, registry),
                TensorFlowBackend.nativeCpu(config, models, registry),
                new TensorFlowBackend(false, config, models, registry), new BaselineBackend(models));
    }
}

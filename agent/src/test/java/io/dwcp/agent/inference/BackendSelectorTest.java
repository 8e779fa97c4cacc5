package io.dwcp.agent.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dwcp.agent.config.Device;
import io.dwcp.agent.spec.BuiltinModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {
    record Fake(String name, int rank, boolean gpu, String cause) implements InferenceBackend {
        @Override
        public boolean isAvailable() {
            return cause == null;
        }

        @Override
        public String unavailabilityCause() {
            return cause;
        }

        @Override
        public Loaded load(Path modelsDir) {
            throw new UnsupportedOperationException();
        }
    }

    final InferenceBackend gpuMissing = new Fake("tf-gpu", 200, true, "no NVIDIA device nodes");
    final InferenceBackend cpu = new Fake("tf-cpu", 100, false, null);
    final InferenceBackend base = new BaselineBackend(BuiltinModels.registry());

    @Test
    void autoTakesBestAvailableAndSaysWhyOthersWereSkipped() {
        BackendSelector.Choice c = BackendSelector.select(Device.AUTO, List.of(base, gpuMissing, cpu));
        assertEquals("tf-cpu", c.backend().name());
        assertEquals(List.of("tf-gpu (no NVIDIA device nodes)"), c.skipped());
    }

    @Test
    void cpuNeverTakesGpu() {
        InferenceBackend gpuOk = new Fake("tf-gpu", 200, true, null);
        BackendSelector.Choice c = BackendSelector.select(Device.CPU, List.of(gpuOk, cpu, base));
        assertEquals("tf-cpu", c.backend().name());
        assertEquals(List.of("tf-gpu (device=cpu)"), c.skipped());
    }

    @Test
    void gpuWithoutGpuIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BackendSelector.select(Device.GPU, List.of(gpuMissing, cpu, base)));
        assertEquals("dwcp.inference.device=gpu but no backend can serve it: tf-gpu (no NVIDIA device nodes)", e.getMessage());
    }

    @Test
    void baselineIsTheLastResort() {
        InferenceBackend cpuMissing = new Fake("tf-cpu", 100, false, "native library failed to load");
        assertEquals("baseline", BackendSelector.select(Device.CPU, List.of(cpuMissing, base)).backend().name());
    }
}

package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.dwcp.models.features.Schemas;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/**
 * Every TensorFlow serving class built inside {@link TfModel#withConfig} loads its session with that
 * config. The agent relies on it for its thread counts and for the CPU twin of a GPU model (device count
 * GPU = 0); three of the four classes once passed "0 threads" and fell back to TensorFlow's defaults.
 */
class SessionConfigTest {
    static final ConfigProto CPU_ONE_THREAD = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
            .setInterOpParallelismThreads(1).putDeviceCount("GPU", 0).build();

    @Test
    void servingClassesUseTheConstructionConfig() throws Exception {
        try (CompressionSelector c = TfModel.withConfig(CPU_ONE_THREAD,
                () -> new CompressionSelector(load(Schemas.COMPRESSION.model())));
             LatencyDetector l = TfModel.withConfig(CPU_ONE_THREAD,
                     () -> new LatencyDetector(load(Schemas.LATENCY.model())));
             DegradationForecaster d = TfModel.withConfig(CPU_ONE_THREAD,
                     () -> new DegradationForecaster(load(Schemas.DEGRADATION.model())))) {
            assertSame(CPU_ONE_THREAD, c.tfModel().config());
            assertSame(CPU_ONE_THREAD, l.tfModel().config());
            assertSame(CPU_ONE_THREAD, d.tfModel().config());
        }
    }

    private static ModelArtifact load(String name) {
        try {
            return ModelArtifact.loadDefault(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

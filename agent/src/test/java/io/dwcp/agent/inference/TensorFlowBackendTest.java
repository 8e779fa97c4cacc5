package io.dwcp.agent.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.predict.AnomalyVerdict;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.agent.predict.LatencyVerdict;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.serving.ModelArtifact;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The trained models as the agent serves them: embedded defaults, a models directory, rejection of bad files. */
@Timeout(120)
class TensorFlowBackendTest {
    static TensorFlowBackend cpu;

    @BeforeAll
    static void backend() {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.<String, String>of().get(k)));
        cpu = new TensorFlowBackend(false, cfg, BuiltinModels.registry(), new SimpleMeterRegistry());
    }

    @Test
    void cpuBackendAvailableGpuBackendSaysWhyNot() {
        assertTrue(cpu.isAvailable(), String.valueOf(cpu.unavailabilityCause()));
        AgentConfig cfg = AgentConfig.from(k -> Optional.empty());
        TensorFlowBackend gpu = new TensorFlowBackend(true, cfg, BuiltinModels.registry(), new SimpleMeterRegistry());
        if (!gpu.isAvailable()) {
            assertFalse(gpu.unavailabilityCause().isBlank());
        }
    }

    @Test
    void embeddedDegradationForecasterWarnsOnARampNotOnASteadyLink() {
        InferenceBackend.Loaded l = cpu.load(null);
        assertFalse(l.failed().contains("degradation"), String.join("\n", l.notes()));
        // On CPU our C network serves (issue 16); without the C library, TensorFlow's fused rewrite (dwcp.inference.
        // fused-lstm defaults to true), which passed its load-time check.
        assertTrue(l.notes().stream().anyMatch(n -> n.startsWith("degradation: ")
                && (n.contains(", graph native-") || n.contains(", graph fused-lstm"))), String.join("\n", l.notes()));
        try (ModelSet m = l.models()) {
            assertEquals("bilstm-attention", m.get(BuiltinModels.DEGRADATION).name());
            io.dwcp.models.data.DegradationSeries.Slo slo = new io.dwcp.models.data.DegradationSeries.Slo(100, 300, 0.02);
            float[][] steady = new float[60][];
            float[][] ramp = new float[60][];
            for (int t = 0; t < 60; t++) {
                float wiggle = (t % 3) * 0.4f;
                steady[t] = new float[] {800 - wiggle, 40 + wiggle, 0.001f, 2, 12 + t / 60f, 2};
                // Latency climbing 1 ms a sample from sample 20: 80 ms now, over 100 ms within ~20 samples.
                ramp[t] = new float[] {800 - wiggle, 40 + wiggle + Math.max(0, t - 20), 0.001f, 2, 12 + t / 60f, 2};
            }
            List<io.dwcp.agent.predict.DegradationVerdict> v = m.get(BuiltinModels.DEGRADATION).predictBatch(List.of(
                    new io.dwcp.agent.predict.DegradationInput(steady, slo), new io.dwcp.agent.predict.DegradationInput(ramp, slo)));
            assertFalse(v.get(0).degrading(), "steady link: p=" + v.get(0).probability());
            assertTrue(v.get(1).degrading(), "ramp towards the SLO: p=" + v.get(1).probability());
            assertTrue(v.get(1).probability() > v.get(0).probability());
            assertEquals(40, v.get(0).latencyMs()[9], 6, "a steady link is forecast near its level");
            // The regression head stays near the current level rather than extrapolating the ramp (measured: ~84 ms
            // 10 steps on from 80 ms, see models/README.md); the warning comes from the probability head.
            assertTrue(v.get(1).latencyMs()[9] > v.get(0).latencyMs()[9] + 30, "forecast from the raised level: "
                    + java.util.Arrays.toString(v.get(1).latencyMs()));
            assertEquals(60, v.get(1).attention().length);
            double sum = 0;
            for (double a : v.get(1).attention()) {
                sum += a;
            }
            assertEquals(1.0, sum, 1e-4);
            assertTrue(v.get(1).confidence() >= 0.5 && v.get(1).confidence() <= 1);
            // Against the agent's default throughput floor (10 Mbit/s, 80x below this link): the synthetic-only model
            // needed a clamp here (unclamped, p = 0.0024 for a ramp through the SLO); the issue-19 model was trained
            // with floors down to 1 % of a link's level, and with too few such series it still missed it (p = 0.07).
            io.dwcp.models.data.DegradationSeries.Slo lowFloor = new io.dwcp.models.data.DegradationSeries.Slo(100, 10, 0.02);
            List<io.dwcp.agent.predict.DegradationVerdict> d = m.get(BuiltinModels.DEGRADATION).predictBatch(List.of(
                    new io.dwcp.agent.predict.DegradationInput(steady, lowFloor),
                    new io.dwcp.agent.predict.DegradationInput(ramp, lowFloor)));
            assertFalse(d.get(0).degrading(), "steady link, 10 Mbit/s floor: p=" + d.get(0).probability());
            assertTrue(d.get(1).degrading(), "ramp, 10 Mbit/s floor: p=" + d.get(1).probability());
        }
    }

    @Test
    void fusedLstmOffServesTheTensorFlowLstmModelsFromTheSavedModel() {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of("dwcp.inference.fused-lstm", "false").get(k)));
        InferenceBackend.Loaded l = new TensorFlowBackend(false, cfg, BuiltinModels.registry(), new SimpleMeterRegistry()).load(null);
        try (ModelSet m = l.models()) {
            assertEquals(java.util.Set.of(), l.failed(), String.join("\n", l.notes()));
            // The bandwidth forecaster runs on our native kernels on CPU (issue 16); where they are unavailable
            // it is TensorFlow's, and then from the SavedModel too.
            assertTrue(l.notes().stream().anyMatch(n -> n.startsWith("bandwidth: ")
                    && (n.endsWith(", graph savedmodel") || n.contains(", graph native-"))), String.join("\n", l.notes()));
            assertTrue(l.notes().stream().anyMatch(n -> n.startsWith("degradation: ")
                    && (n.endsWith(", graph savedmodel") || n.contains(", graph native-"))), String.join("\n", l.notes()));
        }
    }

    @Test
    void onCpuTheFourNetworksRunOnTheNativeKernels() {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.dwcp.jni.NativeCpu.isAvailable(), "C kernels unavailable here");
        InferenceBackend.Loaded l = cpu.load(null);
        try (ModelSet m = l.models()) {
            for (String model : List.of("bandwidth: lstm-forecaster/", "compression: policy-net/", "latency: lstm-autoencoder/",
                    "degradation: bilstm-attention/")) {
                assertTrue(l.notes().stream().anyMatch(n -> n.startsWith(model) && n.contains(", graph native-c")),
                        model + "\n" + String.join("\n", l.notes()));
            }
        }
    }

    @Test
    void degradationModelWithAnotherWindowLengthIsRefused() {
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of("dwcp.degradation.window-length", "30").get(k)));
        InferenceBackend.Loaded l = new TensorFlowBackend(false, cfg, BuiltinModels.registry(), new SimpleMeterRegistry()).load(null);
        try (ModelSet m = l.models()) {
            assertTrue(l.failed().contains("degradation"), String.join("\n", l.notes()));
            assertEquals("baseline-trend", m.get(BuiltinModels.DEGRADATION).name());
        }
    }

    @Test
    void embeddedModelsLoadValidateAndAnswerSensibly() {
        InferenceBackend.Loaded l = cpu.load(null);
        assertEquals(java.util.Set.of(), l.failed(), String.join("\n", l.notes()));
        try (ModelSet m = l.models()) {
            assertEquals("lstm-forecaster", m.get(BuiltinModels.BANDWIDTH).name());
            assertEquals("policy-net", m.get(BuiltinModels.COMPRESSION).name());
            assertTrue(m.get(BuiltinModels.RELIABILITY).name().startsWith("isolation-forest-"), m.get(BuiltinModels.RELIABILITY).name());
            assertEquals("lstm-autoencoder", m.get(BuiltinModels.LATENCY).name());

            float[][] steady = new float[10][];
            for (int t = 0; t < 10; t++) {
                steady[t] = new float[] {800, 40, 0.001f, 2, 12, 2};
            }
            BandwidthForecast f = m.get(BuiltinModels.BANDWIDTH).predictBatch(List.<float[][]>of(steady)).get(0);
            assertEquals(800, f.bandwidthMbps(), 80, "a steady link is forecast near its level: " + f);
            assertTrue(f.confidence() >= 0 && f.confidence() <= 1);

            CompressionDecision slow = m.get(BuiltinModels.COMPRESSION).predictBatch(List.of(new float[] {10, 80, 2, 64 << 20, 2, 0.2f})).get(0);
            assertTrue(slow.codec() != 0, "10 Mbit/s and a very compressible payload: compress (" + slow + ")");
            CompressionDecision fast = m.get(BuiltinModels.COMPRESSION).predictBatch(List.of(new float[] {40_000, 0.2f, 0, 64 << 20, 7.99f, 0.9f})).get(0);
            assertEquals(0, fast.codec(), "40 Gbit/s, incompressible, busy CPU: send as is (" + fast + ")");

            float[] healthy = {99.99f, 0.0005f, 0.0005f, 10, 0.8f, 5, 0.4f, 0.5f, 0.001f};
            float[] failing = {92f, 0.15f, 0.1f, 2000, 12f, 15, 0.95f, 0.6f, 0.05f};
            List<AnomalyVerdict> v = m.get(BuiltinModels.RELIABILITY).predictBatch(List.of(new float[][] {healthy}, new float[][] {failing}));
            assertFalse(v.get(0).anomaly(), "healthy node: " + v.get(0));
            assertTrue(v.get(1).anomaly(), "failure burst: " + v.get(1));
            assertTrue(v.get(1).score() > v.get(0).score());

            float[][] calm = new float[30][];
            float[][] storm = new float[30][];
            for (int t = 0; t < 30; t++) {
                calm[t] = new float[] {5, 3, 50, 10, 20, 30, 0, 3, 5, 0, 1, 0};
                storm[t] = t < 20 ? calm[t].clone() : new float[] {70, 40, 10, 120, 260, 400, 6, 3, 5, 0, 1, 0};
            }
            List<LatencyVerdict> lv = m.get(BuiltinModels.LATENCY).predictBatch(List.of(calm, storm));
            assertFalse(lv.get(0).anomaly(), "calm LAN cluster: " + lv.get(0).error() + " vs " + lv.get(0).threshold());
            assertTrue(lv.get(1).anomaly(), "leader-election storm: " + lv.get(1).error());
            double sum = 0;
            for (double c : lv.get(1).contributions()) {
                sum += c;
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    static Path copyDefaults() throws IOException {
        Path root = Files.createTempDirectory("dwcp-models");
        for (String name : List.of("bandwidth", "compression", "reliability", "latency")) {
            Path src = ModelArtifact.loadDefault(name).dir();
            Path dst = root.resolve(name).resolve("7");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return root;
    }

    @Test
    void modelsDirectoryNewestVersionLoadsCorruptOrMismatchingOnesAreRejected() throws IOException {
        Path dir = copyDefaults();
        InferenceBackend.Loaded ok = cpu.load(dir);
        assertEquals(java.util.Set.of(), ok.failed(), String.join("\n", ok.notes()));
        assertTrue(ok.notes().stream().anyMatch(n -> n.contains(dir.resolve("bandwidth").resolve("7").toString())));
        ok.models().close();

        Path forest = dir.resolve("reliability/7/forest.bin");
        byte[] b = Files.readAllBytes(forest);
        Files.write(forest, java.util.Arrays.copyOf(b, b.length / 2));
        Path md = dir.resolve("latency/7/metadata.json");
        Files.writeString(md, Files.readString(md).replaceFirst("\"queue_depth\"", "\"queue_size\""));

        InferenceBackend.Loaded bad = cpu.load(dir);
        assertEquals(java.util.Set.of("reliability", "latency"), bad.failed(), String.join("\n", bad.notes()));
        assertTrue(bad.notes().stream().anyMatch(n -> n.startsWith("reliability: not loaded") && n.contains("forest")),
                String.join("\n", bad.notes()));
        assertTrue(bad.notes().stream().anyMatch(n -> n.startsWith("latency: not loaded") && n.contains("features")),
                String.join("\n", bad.notes()));
        bad.models().close();
    }
}

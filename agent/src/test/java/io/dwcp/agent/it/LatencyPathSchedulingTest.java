package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.AgentService;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ops.ProcSched;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.jni.NativeThreads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the agent's latency-path threads (and only they) run with the short scheduler slice, where the kernel
 * grants one; elsewhere the gauge says none do.
 */
class LatencyPathSchedulingTest {
    /** Thread name → se.slice (ns) of every thread of this JVM whose name starts with {@code dwcp-}. */
    private static Map<String, List<Long>> slices() throws Exception {
        Map<String, List<Long>> m = new HashMap<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (!comm.startsWith("dwcp-")) {
                    continue;
                }
                ProcSched.slice(task.resolve("sched")).ifPresent(ns -> m.computeIfAbsent(
                        comm.replaceAll("-\\d+-\\d+$", "-N-N"), k -> new java.util.ArrayList<>()).add(ns));
            }
        }
        return m;
    }

    @Test
    void theFourHopsOfAForecastAndTheCodecBatcherGetTheShortSlice() throws Exception {
        NativeThreads.Outcome probe = ProcSched.probe();
        boolean kernelHasSlices = probe.applied();

        Path dir = Files.createTempDirectory("dwcp-sched");
        Path sock = dir.resolve("agent.sock");
        Map<String, String> settings = Map.of("dwcp.ingest.port", "0", "dwcp.socket.path", sock.toString(),
                "dwcp.history.enabled", "false", "dwcp.inference.device", "cpu");
        AgentConfig config = AgentConfig.from(k -> Optional.ofNullable(settings.get(k)));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        AgentService agent = new AgentService(config, BuiltinModels.registry(), reg);
        // A client makes the socket's event loop start its thread.
        try (LineClient c = new LineClient(sock)) {
            c.send("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"bandwidth_prediction\"]}}");
            c.reply("s");
            double threads = reg.get("dwcp.scheduling.latency.threads").gauge().value();
            if (!kernelHasSlices) {
                assertEquals(0, threads, "no slice on this kernel: " + probe.detail());
                return;
            }
            // UDP loop, pipeline, forecaster and codec batchers, socket loop.
            assertEquals(5, threads);
            if (!Files.isReadable(Path.of("/proc/thread-self/sched"))) {
                return;
            }
            Map<String, List<Long>> s = slices();
            for (String hop : List.of("dwcp-udp-N-N", "dwcp-pipeline", "dwcp-batcher-ba", "dwcp-batcher-co", "dwcp-sock-N-N")) {
                assertTrue(s.getOrDefault(hop, List.of()).contains(100_000L), hop + ": " + s);
            }
            // Window detectors and the accept loop keep the kernel's default.
            for (String other : List.of("dwcp-batcher-de", "dwcp-batcher-la", "dwcp-batcher-re", "dwcp-sock-accep")) {
                assertTrue(!s.getOrDefault(other, List.of()).isEmpty() && !s.get(other).contains(100_000L),
                        other + ": " + s);
            }
        } finally {
            agent.stop();
        }
    }
}

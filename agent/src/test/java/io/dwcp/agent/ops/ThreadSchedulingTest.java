package io.dwcp.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.agent.config.AgentConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadSchedulingTest {
    @Test
    void aLatencyPathThreadRunsWithTheShortSliceAndIsCountedWhileItRuns() throws Exception {
        assumeTrue(ProcSched.probe().applied(), "no per-thread slices here");
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ThreadScheduling s = new ThreadScheduling(new AgentConfig.Scheduling(100, 0), reg);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<OptionalLong> seen = new AtomicReference<>();
        Thread t = s.latencyThreads("test-latency").newThread(() -> {
            seen.set(ProcSched.slice(Path.of("/proc/thread-self/sched")));
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(t.isDaemon());
        assertTrue(t.getName().startsWith("test-latency-"), t.getName());
        t.start();
        running.await();
        assertEquals(1, reg.get("dwcp.scheduling.latency.threads").gauge().value());
        seen.get().ifPresent(ns -> assertEquals(100_000, ns));
        release.countDown();
        t.join();
        assertEquals(0, reg.get("dwcp.scheduling.latency.threads").gauge().value());
    }

    @Test
    void offLeavesTheThreadAsItWas() throws Exception {
        OptionalLong base = ProcSched.slice(Path.of("/proc/thread-self/sched"));
        AtomicReference<OptionalLong> seen = new AtomicReference<>();
        Thread t = new Thread(new ThreadScheduling(new AgentConfig.Scheduling(0, 0), new SimpleMeterRegistry())
                .latencyPath(() -> seen.set(ProcSched.slice(Path.of("/proc/thread-self/sched")))));
        t.start();
        t.join();
        assertEquals(base, seen.get());
        assertEquals(0, ThreadScheduling.OFF.niceJit());
    }

    @Test
    void theJitsCompilerThreadsGetTheNiceValue() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")));
        // Nice 1 in this test JVM only: lowering is allowed to anyone, and it barely slows the later tests' JIT.
        int changed = new ThreadScheduling(new AgentConfig.Scheduling(0, 1), null).niceJit();
        assumeTrue(changed > 0, "no JIT compiler threads (interpreter-only JVM?)");
        int seen = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm = Files.readString(task.resolve("comm")).strip();
                if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    assertEquals("1", f[19 - 3], comm + " nice");
                    seen++;
                }
            }
        }
        assertEquals(changed, seen);
    }
}

package io.dwcp.agent.ops;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.jni.NativeThreads;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16, the latency tail: a sample's forecast crosses four of the agent's threads (UDP loop, pipeline, the
 * forecaster's batcher, socket loop), each woken by the one before. On a shared host a woken thread waits for the
 * core until the thread running there has used its slice (0.75-3 ms under EEVDF), and at 1,000 samples/s on two
 * cores that wait, mostly behind the JIT's compiler threads, was most of a 3 ms p99. A thread with a shorter slice
 * than the running one preempts it on wake-up instead; it gains no CPU share (weights are unchanged), so
 * the DWCP node and the agent's background work keep theirs.
 *
 * <p>Threads join the latency path themselves ({@link #latencyPath(Runnable)}, {@link #latencyThreads}):
 * Linux applies the slice to the calling thread. Best effort: without the C library, on a kernel older than 6.12
 * or under a policy the operator set, the threads run as before and one line says why. Thread-safe.
 */
public final class ThreadScheduling {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadScheduling.class);

    /** Changes nothing: for tests and tools that build pipeline parts outside the agent. */
    public static final ThreadScheduling OFF = new ThreadScheduling(new AgentConfig.Scheduling(0, 0), null);

    private final AgentConfig.Scheduling config;
    private final AtomicInteger shortSlice = new AtomicInteger();
    private final AtomicBoolean told = new AtomicBoolean();

    public ThreadScheduling(AgentConfig.Scheduling config, MeterRegistry registry) {
        this.config = config;
        if (registry != null) {
            Gauge.builder("dwcp.scheduling.latency.threads", shortSlice, AtomicInteger::get)
                    .description("latency-path threads running with the short scheduler slice "
                            + "(dwcp.scheduling.latency-slice-micros; 0 where the kernel has none)")
                    .register(registry);
        }
    }

    /** {@code body}, run on a latency-path thread: the thread first asks for the short slice. */
    public Runnable latencyPath(Runnable body) {
        if (config.latencySliceMicros() == 0) {
            return body;
        }
        return () -> {
            boolean applied = join();
            try {
                body.run();
            } finally {
                if (applied) {
                    shortSlice.decrementAndGet();
                }
            }
        };
    }

    /** Daemon threads named {@code pool-N-M} (Netty's naming) that run on the latency path. */
    public ThreadFactory latencyThreads(String pool) {
        return new DefaultThreadFactory(pool, true) {
            @Override
            public Thread newThread(Runnable r) {
                return super.newThread(latencyPath(r));
            }
        };
    }

    private boolean join() {
        NativeThreads.Outcome o = NativeThreads.requestSlice(config.latencySliceMicros() * 1000L);
        String thread = Thread.currentThread().getName();
        if (o.applied()) {
            shortSlice.incrementAndGet();
            if (told.compareAndSet(false, true)) {
                LOG.info("latency path: {} (dwcp.scheduling.latency-slice-micros) for the UDP loop, pipeline, "
                        + "latency-sensitive batchers and socket loop; first: {}", o.detail(), thread);
            } else {
                LOG.debug("latency path: {} for {}", o.detail(), thread);
            }
        } else if (told.compareAndSet(false, true)) {
            LOG.info("latency path: default scheduler slice: {}", o.detail());
        }
        return o.applied();
    }

    /**
     * Gives the JIT's compiler threads nice {@code dwcp.scheduling.jit-nice} (nothing when 0). Compiler threads
     * started later by these inherit it. Call once the agent runs; returns how many threads it changed.
     */
    public int niceJit() {
        int nice = config.jitNice();
        if (nice == 0) {
            return 0;
        }
        int changed = 0;
        String refused = null;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (IOException gone) { // the thread ended while we listed
                    continue;
                }
                // HotSpot's names, cut to 15 characters by the kernel: "C2 CompilerThre", "C1 CompilerThre".
                if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
                    continue;
                }
                NativeThreads.Outcome o = NativeThreads.nice(Integer.parseInt(task.getFileName().toString()), nice);
                if (o.applied()) {
                    changed++;
                } else {
                    refused = o.detail();
                }
            }
        } catch (IOException | RuntimeException e) {
            refused = e.toString();
        }
        if (refused != null) {
            LOG.warn("JIT compiler threads: nice {} on {} thread(s), not on others: {}", nice, changed, refused);
        } else {
            LOG.info("JIT compiler threads: nice {} on {} thread(s) (dwcp.scheduling.jit-nice)", nice, changed);
        }
        return changed;
    }

    /** Latency-path threads now running with the short slice. */
    public int latencyThreads() {
        return shortSlice.get();
    }
}

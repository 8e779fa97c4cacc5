package io.dwcp.agent.inference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.predict.Predictor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DynamicBatcherTest {
    /** Doubles its inputs and records batch sizes; can be told to block or to fail. */
    static final class Doubler implements Predictor<Integer, Integer> {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;
        volatile RuntimeException failWith;

        @Override
        public String name() {
            return "doubler";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Integer> predictBatch(List<Integer> in) {
            sizes.add(in.size());
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            RuntimeException f = failWith;
            if (f != null) {
                throw f;
            }
            List<Integer> out = new ArrayList<>();
            for (int i : in) {
                out.add(2 * i);
            }
            return out;
        }
    }

    @Test
    void sizeTriggerSendsFullBatchesWithoutWaitingForTheDelay() throws Exception {
        Doubler d = new Doubler();
        // A 60 s delay: only the size trigger can complete these within the 5 s we wait. All 8 are queued before
        // the worker starts, so none is a lone input (which would go at once).
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 4, 60_000_000, 100, new SimpleMeterRegistry())) {
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                fs.add(b.submit(i));
            }
            b.start();
            for (int i = 0; i < 8; i++) {
                assertEquals(2 * (i + 1), fs.get(i).get(5, TimeUnit.SECONDS));
            }
            assertEquals(List.of(4, 4), d.sizes);
        }
    }

    @Test
    void aLoneInputIsNotHeldForTheDelay() throws Exception {
        Doubler d = new Doubler();
        // A 60 s delay, but nothing else is queued: the input goes at once.
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 64, 60_000_000, 100, new SimpleMeterRegistry()).start()) {
            assertEquals(6, b.submit(3).get(5, TimeUnit.SECONDS));
            assertEquals(List.of(1), d.sizes);
        }
    }

    @Test
    void inputsOlderThanTheMaximumAgeAreDroppedAndCounted() throws Exception {
        Doubler d = new Doubler();
        d.gate = new CountDownLatch(1);
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 1, 0, 100, Duration.ofMillis(50), reg).start()) {
            CompletableFuture<Integer> first = b.submit(1); // runs, and holds the worker at the gate
            await().atMost(Duration.ofSeconds(10)).until(() -> !d.sizes.isEmpty());
            CompletableFuture<Integer> stale = b.submit(2);
            Thread.sleep(200); // not polling: the queued input ages past the 50 ms limit while the model is busy
            d.gate.countDown();
            assertEquals(2, first.get(5, TimeUnit.SECONDS));
            // An expired input is cancelled, not failed: get() throws the CancellationException itself.
            assertThrows(DynamicBatcher.ExpiredException.class, () -> stale.get(5, TimeUnit.SECONDS));
            assertEquals(1.0, reg.get("dwcp.batcher.expired").counter().count());
            assertEquals(List.of(1), d.sizes, "the stale input never reached the model");
        }
    }

    @Test
    void delayTriggerSendsAPartialBatch() throws Exception {
        Doubler d = new Doubler();
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 64, 2_000, 100, new SimpleMeterRegistry()).start()) {
            CompletableFuture<Integer> f1 = b.submit(1);
            CompletableFuture<Integer> f2 = b.submit(2);
            assertEquals(2, f1.get(5, TimeUnit.SECONDS));
            assertEquals(4, f2.get(5, TimeUnit.SECONDS));
            int total = d.sizes.stream().mapToInt(Integer::intValue).sum();
            assertEquals(2, total);
            assertTrue(d.sizes.get(0) < 64);
        }
    }

    @Test
    void fullQueueRejectsAtOnceAndCounts() throws Exception {
        Doubler d = new Doubler();
        d.gate = new CountDownLatch(1);
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 1, 0, 2, reg).start()) {
            b.submit(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !d.sizes.isEmpty());
            b.submit(1);
            b.submit(2);
            CompletableFuture<Integer> rejected = b.submit(3);
            ExecutionException e = assertThrows(ExecutionException.class, () -> rejected.get(1, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertEquals(1, reg.get("dwcp.batcher.rejected").counter().count());
            d.gate.countDown();
        }
    }

    @Test
    void failingModelFailsItsBatchButNotTheWorker() throws Exception {
        Doubler d = new Doubler();
        d.failWith = new IllegalStateException("boom");
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 8, 100, 100, reg).start()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> b.submit(1).get(5, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            d.failWith = null;
            assertEquals(6, b.submit(3).get(5, TimeUnit.SECONDS), "next batch succeeds");
            assertEquals(1, reg.get("dwcp.batcher.failed.batches").counter().count());
        }
    }

    @Test
    void pendingFuturesFailOnShutdownDeadline() throws Exception {
        Doubler d = new Doubler();
        d.gate = new CountDownLatch(1);
        DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 1, 0, 100, new SimpleMeterRegistry()).start();
        b.submit(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> !d.sizes.isEmpty());
        CompletableFuture<Integer> waiting = b.submit(1);
        b.close(Duration.ofMillis(200)); // the worker is stuck in the model: the deadline passes
        assertThrows(CancellationException.class, () -> waiting.get(5, TimeUnit.SECONDS));
        CompletableFuture<Integer> after = b.submit(2);
        assertTrue(after.isCompletedExceptionally(), "closed batcher refuses new work");
        d.gate.countDown();
    }

    @Test
    void gracefulCloseFlushesQueuedWork() throws Exception {
        Doubler d = new Doubler();
        DynamicBatcher<Integer, Integer> b = new DynamicBatcher<>("t", () -> d, 2, 1_000_000, 100, new SimpleMeterRegistry()).start();
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(b.submit(i));
        }
        b.close(Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            assertEquals(2 * i, fs.get(i).get(1, TimeUnit.SECONDS));
        }
    }
}

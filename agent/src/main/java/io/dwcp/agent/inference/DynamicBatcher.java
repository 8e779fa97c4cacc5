package io.dwcp.agent.inference;

import io.dwcp.agent.predict.Predictor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups single requests into model batches: a batch goes when it holds {@code maxBatchSize} inputs or its
 * oldest input has waited {@code maxQueueDelay}, whichever comes first. One worker thread per batcher, so
 * a model's batches run one at a time (TensorFlow parallelises inside a batch via its own threads).
 *
 * <p>Bounded: {@link #submit} fails fast with {@link RejectedExecutionException} (counted as
 * {@code dwcp_batcher_rejected_total}) when {@code queueCapacity} inputs wait. A predictor that throws
 * fails only its batch's futures; the worker goes on. On {@link #close} pending futures fail with
 * {@link CancellationException}. The predictor is read from {@code current} per batch, so a hot reload
 * swaps models between batches, never inside one.
 *
 * <p>Thread-safe.
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private record Item<I, O>(I input, CompletableFuture<O> future, long enqueuedNanos) {}

    private final String name;
    private final Supplier<? extends Predictor<I, O>> current;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final long maxAgeNanos;
    private final ArrayBlockingQueue<Item<I, O>> queue;
    private final Thread worker;
    // Rejections come in floods when overloaded: one shared exception without a stack trace keeps them cheap.
    private final RejectedExecutionException queueFull;
    private final Counter rejected;
    private final Counter expired;
    private final ExpiredException tooOld;
    private final Counter failedBatches;
    private final DistributionSummary batchSizes;
    private final Timer queueWait;
    private final Timer compute;
    private volatile boolean running = true;

    public DynamicBatcher(String name, Supplier<? extends Predictor<I, O>> current, int maxBatchSize,
                          long maxQueueDelayMicros, int queueCapacity, MeterRegistry registry) {
        this(name, current, maxBatchSize, maxQueueDelayMicros, queueCapacity, java.time.Duration.ZERO, registry);
    }

    /**
     * As above; {@code maxAge} &gt; 0: an input that has waited longer than this when its batch forms is not run
     * but failed with {@link ExpiredException} and counted ({@code dwcp_batcher_expired_total}): a forecast for
     * a sample seconds old is of no use to the node, and serving it would keep the queue seconds behind.
     */
    public DynamicBatcher(String name, Supplier<? extends Predictor<I, O>> current, int maxBatchSize,
                          long maxQueueDelayMicros, int queueCapacity, java.time.Duration maxAge, MeterRegistry registry) {
        this(name, current, maxBatchSize, maxQueueDelayMicros, queueCapacity, maxAge, registry, Thread::new);
    }

    /** As above, with the worker thread made by {@code threads} (a latency-path one, say); it is named here. */
    public DynamicBatcher(String name, Supplier<? extends Predictor<I, O>> current, int maxBatchSize,
                          long maxQueueDelayMicros, int queueCapacity, java.time.Duration maxAge, MeterRegistry registry,
                          java.util.concurrent.ThreadFactory threads) {
        if (maxBatchSize < 1 || maxQueueDelayMicros < 0 || queueCapacity < 1 || maxAge.isNegative()) {
            throw new IllegalArgumentException("batcher " + name + ": maxBatchSize >= 1, delay >= 0, capacity >= 1, age >= 0");
        }
        this.maxAgeNanos = maxAge.toNanos();
        this.name = name;
        this.current = current;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(maxQueueDelayMicros);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.queueFull = new QueueFullException("batcher " + name + " queue full (" + queueCapacity + ")");
        this.rejected = Counter.builder("dwcp.batcher.rejected").tag("model", name)
                .description("inputs refused because the batcher queue was full").register(registry);
        this.expired = Counter.builder("dwcp.batcher.expired").tag("model", name)
                .description("inputs dropped unserved because they waited longer than dwcp.inference.max-input-age")
                .register(registry);
        this.tooOld = new ExpiredException("batcher " + name + ": input older than " + maxAge.toMillis() + " ms");
        this.failedBatches = Counter.builder("dwcp.batcher.failed.batches").tag("model", name)
                .description("batches whose model call threw").register(registry);
        this.batchSizes = DistributionSummary.builder("dwcp.batcher.batch.size").tag("model", name)
                .description("inputs per model call").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue((double) Math.max(2, maxBatchSize)).register(registry);
        this.queueWait = Timer.builder("dwcp.batcher.queue.wait").tag("model", name)
                .description("time an input waited for its batch").publishPercentileHistogram().register(registry);
        this.compute = Timer.builder("dwcp.batcher.compute").tag("model", name)
                .description("model call time per batch").publishPercentileHistogram().register(registry);
        io.micrometer.core.instrument.Gauge.builder("dwcp.batcher.queue.depth", queue, ArrayBlockingQueue::size)
                .tag("model", name).description("inputs waiting for a batch").register(registry);
        this.worker = threads.newThread(this::run);
        this.worker.setName("dwcp-batcher-" + name);
        this.worker.setDaemon(true);
    }

    /** Starts the worker thread; inputs submitted before wait in the queue. Returns this. */
    public DynamicBatcher<I, O> start() {
        worker.start();
        return this;
    }

    /** Whether the worker thread runs (false before {@link #start} and after it ended or died). */
    public boolean isAlive() {
        return worker.isAlive();
    }

    /** Queues one input; the future completes with its output, or exceptionally with the batch's failure. */
    public CompletableFuture<O> submit(I input) {
        CompletableFuture<O> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new CancellationException("batcher " + name + " closed"));
            return f;
        }
        if (!queue.offer(new Item<>(input, f, System.nanoTime()))) {
            rejected.increment();
            f.completeExceptionally(queueFull);
        }
        return f;
    }

    private void run() {
        List<Item<I, O>> batch = new ArrayList<>(maxBatchSize);
        // After close() the worker still empties the queue (graceful stop flushes in-flight work);
        // only an interrupt at the close deadline abandons what is left.
        while (running || !queue.isEmpty()) {
            batch.clear();
            try {
                Item<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos + maxDelayNanos;
                // A lone input (nothing else queued) goes at once: waiting out the delay only adds latency when
                // there is no traffic to batch with; under load the queue is never empty here.
                if (queue.isEmpty()) {
                    deadline = System.nanoTime();
                }
                while (batch.size() < maxBatchSize) {
                    int got = queue.drainTo(batch, maxBatchSize - batch.size());
                    if (batch.size() >= maxBatchSize) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    // Closing: send what we hold now instead of waiting out the delay.
                    if (left <= 0 || !running) {
                        break;
                    }
                    if (got == 0) {
                        Item<I, O> next = queue.poll(Math.min(left, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS);
                        if (next != null) {
                            batch.add(next);
                        }
                    }
                }
            } catch (InterruptedException e) {
                // Interrupted while gathering: run what we hold rather than lose it, then stop.
                execute(batch);
                break;
            }
            execute(batch);
        }
        List<Item<I, O>> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest, new CancellationException("batcher " + name + " closed"));
    }

    private void execute(List<Item<I, O>> batch) {
        long start = System.nanoTime();
        if (maxAgeNanos > 0) {
            batch.removeIf(it -> {
                if (start - it.enqueuedNanos > maxAgeNanos) {
                    expired.increment();
                    it.future.completeExceptionally(tooOld);
                    return true;
                }
                return false;
            });
            if (batch.isEmpty()) {
                return;
            }
        }
        List<I> inputs = new ArrayList<>(batch.size());
        for (Item<I, O> it : batch) {
            inputs.add(it.input);
            queueWait.record(start - it.enqueuedNanos, TimeUnit.NANOSECONDS);
        }
        batchSizes.record(batch.size());
        List<O> out;
        try {
            out = current.get().predictBatch(inputs);
            if (out.size() != inputs.size()) {
                throw new IllegalStateException("model returned " + out.size() + " outputs for " + inputs.size() + " inputs");
            }
        } catch (VirtualMachineError | LinkageError fatal) {
            failAll(batch, fatal);
            throw fatal;
        } catch (RuntimeException e) {
            failedBatches.increment();
            LOG.debug("batcher {}: batch of {} failed: {}", name, batch.size(), e.toString());
            failAll(batch, e);
            return;
        } finally {
            compute.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future.complete(out.get(i));
        }
    }

    private void failAll(List<Item<I, O>> items, Throwable t) {
        for (Item<I, O> it : items) {
            it.future.completeExceptionally(t);
        }
    }

    public String name() {
        return name;
    }

    public int queued() {
        return queue.size();
    }

    /**
     * Refuses new inputs, lets the worker finish what is queued within {@code timeout}, then interrupts it;
     * inputs still queued then fail with {@link CancellationException}.
     */
    public void close(java.time.Duration timeout) {
        running = false;
        try {
            worker.join(Math.max(1, timeout.toMillis()));
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Item<I, O>> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest, new CancellationException("batcher " + name + " closed"));
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(5));
    }

    /** Fails an input that waited longer than the maximum age (shared, stackless). */
    public static final class ExpiredException extends java.util.concurrent.CancellationException {
        ExpiredException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Thrown (shared, stackless) when the queue is full. */
    static final class QueueFullException extends RejectedExecutionException {
        QueueFullException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}

package io.dwcp.agent.pipeline;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ingest.RecordQueue;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.ops.ThreadScheduling;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestHandler;
import io.dwcp.agent.registry.ModelHolder;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.registry.ModelSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline worker: drains ingested records and client requests and hands each to the {@link ModelLane}
 * of every registered model that reads it; each lane's batcher thread runs the model on whole batches and
 * publishes the events. One worker thread, so windows need no locks and requests see the same windows the
 * stream does; inference never runs here nor on a Netty loop. Netty's loops only {@link #offer} and
 * {@link #submit}, which never block: both queues are bounded and a full one is a counted drop (records)
 * or an immediate {@code overloaded} error (requests). Generic over the {@link ModelRegistry}: adding a model
 * changes nothing here.
 *
 * <p>A predictor that throws fails its batch only: the records' events are lost and counted
 * ({@code dwcp_predictions_failed_total{reason="error"}}), requests get an {@code inference_failed}
 * error, and the workers go on. A full batcher queue is counted as {@code reason="overloaded"}.
 */
public final class Pipeline implements RecordQueue, RequestHandler, ModelHolder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ModelRegistry registry;
    private final ArrayBlockingQueue<MetricRecord> records;
    private final ArrayBlockingQueue<Request> requests;
    private final int maxDrain;
    private final long maxQueueBytes;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicReference<ModelSet> models;
    private final List<ModelLane<?, ?>> lanes = new ArrayList<>();
    private final Map<Measurement, List<ModelLane<?, ?>>> byMeasurement = new HashMap<>();
    private final Map<Measurement, List<ModelLane<?, ?>>> feedbackOf = new HashMap<>();
    private final Map<String, ModelLane<?, ?>> byMethod = new HashMap<>();
    private final TransferRecommender recommender; // null when dwcp.recommend.enabled=false
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private final Counter requestsRejected;
    private final RateLimitedLog failureLog;
    private final RateLimitedLog deadLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean idle = true;
    private volatile Tap tap = Tap.NONE;

    /**
     * Sees every record the worker takes, in order, with the inputs it completed for each model (issue 8:
     * history recording and shadow evaluation). Called on the worker thread: implementations only hand
     * off, never block.
     */
    @FunctionalInterface
    public interface Tap {
        Tap NONE = (r, in) -> { };

        void accept(MetricRecord record, StreamInputs inputs);

        static Tap both(Tap a, Tap b) {
            return (r, in) -> {
                a.accept(r, in);
                b.accept(r, in);
            };
        }
    }

    /** The model inputs one record completed (a full window, say); null for a model it completed none for. */
    public interface StreamInputs {
        <I> I get(ModelSpec<I, ?> model);
    }

    public Pipeline(AgentConfig config, ModelRegistry registry, ModelSet initial, EventSink sink, MeterRegistry meters) {
        this(config, registry, initial, sink, meters, ThreadScheduling.OFF);
    }

    /**
     * As above; the worker and the batchers of {@linkplain ModelSpec#latencySensitive() latency-sensitive} models
     * join {@code scheduling}'s latency path.
     */
    public Pipeline(AgentConfig config, ModelRegistry registry, ModelSet initial, EventSink sink, MeterRegistry meters,
                    ThreadScheduling scheduling) {
        this.registry = registry;
        this.records = new ArrayBlockingQueue<>(config.pipeline().queueCapacity());
        this.requests = new ArrayBlockingQueue<>(Math.max(16, config.pipeline().maxDrain()));
        this.maxDrain = config.pipeline().maxDrain();
        this.maxQueueBytes = config.pipeline().queueMaxBytes();
        this.models = new AtomicReference<>(initial);
        batchSize = DistributionSummary.builder("dwcp.pipeline.batch.size").description("records per drained batch")
                .register(meters);
        batchTime = Timer.builder("dwcp.pipeline.batch.duration").description("time to process one batch")
                .register(meters);
        requestsRejected = Counter.builder("dwcp.requests.rejected").tag("reason", "overloaded")
                .description("requests refused because the request queue was full").register(meters);
        Gauge.builder("dwcp.pipeline.queue.depth", records, ArrayBlockingQueue::size)
                .description("records waiting for the worker").register(meters);
        Gauge.builder("dwcp.pipeline.queue.bytes", queuedBytes, java.util.concurrent.atomic.AtomicLong::get)
                .baseUnit("bytes").description("estimated heap of the records waiting (dwcp.pipeline.queue-max-bytes)")
                .register(meters);
        failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
        recommender = config.recommend().enabled()
                ? new TransferRecommender(new io.dwcp.agent.predict.TransferAdvisor(config.recommend().settings()), sink,
                        config.windows().maxLinks(), config.windows().maxKeyBytes(), meters)
                : null;
        Consumer<Event> observer = recommender == null ? e -> { } : recommender::onEvent;
        for (ModelSpec<?, ?> spec : registry.specs()) {
            ModelLane<?, ?> lane = new ModelLane<>(spec, config, models::get, sink, observer, failureLog, scheduling,
                    meters);
            if (recommender != null) {
                lane.onEvict(k -> recommender.evicted(spec.measurement(), k));
            }
            lanes.add(lane);
            byMeasurement.computeIfAbsent(spec.measurement(), m -> new ArrayList<>()).add(lane);
            for (Measurement m : spec.feedback()) {
                feedbackOf.computeIfAbsent(m, k -> new ArrayList<>()).add(lane);
            }
            for (String m : spec.methods()) {
                byMethod.put(m, lane);
            }
        }
        worker = new Thread(scheduling.latencyPath(this::run), "dwcp-pipeline");
        worker.setDaemon(true);
    }

    /** Starts the model batchers, then the worker. */
    public void start() {
        lanes.forEach(ModelLane::start);
        worker.start();
    }

    /**
     * The agent is ready (management port bound): each model may start its background work (issue 15: the codec
     * micro-benchmark runs after /health is UP, so it never slows the start).
     */
    public void ready() {
        lanes.forEach(ModelLane::ready);
    }

    /** Installs the tap (before {@link #start()} or at any time; the worker reads it once per batch). */
    public void tap(Tap t) {
        this.tap = t == null ? Tap.NONE : t;
    }

    public ModelRegistry registry() {
        return registry;
    }

    @Override
    public ModelSet models() {
        return models.get();
    }

    /** Swaps the model set; the old one is returned for the caller to close once no batch uses it. */
    @Override
    public ModelSet swapModels(ModelSet next) {
        if (!next.names().equals(models.get().names())) {
            throw new IllegalArgumentException("model set " + next.names() + " does not match the registry "
                    + models.get().names());
        }
        return models.getAndSet(next);
    }

    /**
     * Queues a record unless the queue holds {@code dwcp.pipeline.queue-capacity} records or
     * {@code dwcp.pipeline.queue-max-bytes} of them (estimated by {@link MetricRecord#estimatedBytes()}); the
     * caller counts a refusal as {@code queue_full}. Issue 17 item 1: bounded by count alone, 65,536 records with
     * 30 KB ids were 4 GB.
     */
    @Override
    public boolean offer(MetricRecord record) {
        long bytes = record.estimatedBytes();
        for (long cur = queuedBytes.get(); ; cur = queuedBytes.get()) {
            if (cur + bytes > maxQueueBytes) {
                return false;
            }
            if (queuedBytes.compareAndSet(cur, cur + bytes)) {
                break;
            }
        }
        boolean ok = records.offer(record);
        if (!ok) {
            queuedBytes.addAndGet(-bytes);
        } else if (idle) {
            LockSupport.unpark(worker);
        }
        return ok;
    }

    @Override
    public Set<String> methods() {
        Set<String> m = new java.util.HashSet<>(byMethod.keySet());
        m.add(TransferRecommender.METHOD);
        return Set.copyOf(m);
    }

    /** Every model's stream types, plus transfer advice and prediction errors (also while they are off). */
    @Override
    public Set<String> eventTypes() {
        Set<String> t = new java.util.TreeSet<>();
        lanes.forEach(l -> t.addAll(l.spec().eventTypes()));
        t.add(io.dwcp.agent.protocol.TransferRecommendation.TYPE);
        t.add(io.dwcp.agent.protocol.PredictionError.TYPE);
        return java.util.Collections.unmodifiableSet(t);
    }

    /** Queues a request; a full queue answers {@code overloaded} at once. */
    @Override
    public void submit(Request request) {
        if (!running) {
            request.reply().accept(Request.Reply.error(request.id(), "shutting_down", "agent is stopping"));
            return;
        }
        if (!requests.offer(request)) {
            requestsRejected.increment();
            request.reply().accept(Request.Reply.error(request.id(), "overloaded", "request queue full"));
            return;
        }
        LockSupport.unpark(worker);
    }

    private void run() {
        List<MetricRecord> batch = new ArrayList<>(maxDrain);
        List<Request> reqs = new ArrayList<>();
        long lastSweep = System.nanoTime();
        while (running || !records.isEmpty() || !requests.isEmpty()) {
            batch.clear();
            reqs.clear();
            records.drainTo(batch, maxDrain);
            requests.drainTo(reqs, maxDrain);
            if (!batch.isEmpty()) {
                long drained = 0;
                for (MetricRecord r : batch) {
                    drained += r.estimatedBytes();
                }
                queuedBytes.addAndGet(-drained);
            }
            if (batch.isEmpty() && reqs.isEmpty()) {
                idle = true;
                // Re-check after publishing idle so an offer racing with us is not left waiting.
                if (records.isEmpty() && requests.isEmpty() && running) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
                }
                idle = false;
            } else {
                try {
                    long t0 = System.nanoTime();
                    process(batch, reqs);
                    batchSize.record(batch.size());
                    batchTime.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                } catch (VirtualMachineError | LinkageError fatal) {
                    throw fatal;
                } catch (RuntimeException e) {
                    failureLog.warn("pipeline batch failed", String.valueOf(e));
                    for (Request r : reqs) {
                        r.reply().accept(Request.Reply.error(r.id(), "internal", String.valueOf(e)));
                    }
                }
            }
            long now = System.nanoTime();
            if (now - lastSweep > SWEEP_NANOS) {
                lanes.forEach(l -> l.sweep(now));
                lastSweep = now;
            }
        }
        for (Request r; (r = requests.poll()) != null; ) {
            r.reply().accept(Request.Reply.error(r.id(), "shutting_down", "agent is stopping"));
        }
    }

    private void process(List<MetricRecord> batch, List<Request> reqs) {
        long now = System.nanoTime();
        Tap t = tap;
        Completed completed = new Completed();
        for (MetricRecord r : batch) {
            completed.clear();
            for (ModelLane<?, ?> lane : byMeasurement.getOrDefault(r.measurement(), List.of())) {
                Object in = lane.onRecord(r, now);
                if (in != null) {
                    completed.put(lane.spec().name(), in);
                }
            }
            for (ModelLane<?, ?> lane : feedbackOf.getOrDefault(r.measurement(), List.of())) {
                lane.onFeedback(r);
            }
            t.accept(r, completed);
        }
        // Requests ride in the same model batches as the stream.
        for (Request q : reqs) {
            ModelLane<?, ?> lane = byMethod.get(q.method());
            if (lane != null) {
                lane.onRequest(q);
            } else if (TransferRecommender.METHOD.equals(q.method())) {
                q.reply().accept(recommendation(q));
            } else {
                q.reply().accept(Request.Reply.error(q.id(), "unknown_method", "unknown method '" + q.method() + "'"));
            }
        }
    }

    /** Reused per record by the worker; a tap that keeps inputs copies them out. */
    private static final class Completed implements StreamInputs {
        private final Map<String, Object> in = new LinkedHashMap<>();

        void clear() {
            in.clear();
        }

        void put(String model, Object input) {
            in.put(model, input);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <I> I get(ModelSpec<I, ?> model) {
            return (I) in.get(model.name());
        }
    }

    /** {@code RecommendTransfer}: the latest advice for the link, from its latest forecast; no model call. */
    private Request.Reply recommendation(Request q) {
        if (recommender == null) {
            return Request.Reply.error(q.id(), "disabled", "transfer recommendations are off (dwcp.recommend.enabled=false)");
        }
        String key;
        try {
            key = TransferRecommender.linkKey(q.params());
        } catch (IllegalArgumentException e) {
            return Request.Reply.error(q.id(), "bad_request", e.getMessage());
        }
        return recommender.latest(key).map(r -> Request.Reply.ok(q.id(), r))
                .orElseGet(() -> Request.Reply.error(q.id(), "no_recommendation", "no recommendation for " + key
                        + ": no forecast yet, or its confidence was below dwcp.recommend.min-confidence"));
    }

    /** The worker and every batcher thread are alive; logs the first one found dead. */
    public boolean isRunning() {
        if (!running) {
            return false;
        }
        if (!worker.isAlive()) {
            deadLog.warn("pipeline worker thread dwcp-pipeline has died", "");
            return false;
        }
        for (ModelLane<?, ?> l : lanes) {
            if (!l.alive()) {
                deadLog.warn("batcher thread dwcp-batcher-" + l.spec().name() + " has died", "");
                return false;
            }
        }
        return true;
    }

    /** The model names whose batcher thread is not alive (empty when all are). */
    public List<String> deadBatchers() {
        List<String> dead = new ArrayList<>();
        for (ModelLane<?, ?> l : lanes) {
            if (!l.alive()) {
                dead.add(l.spec().name());
            }
        }
        return dead;
    }

    /** Stops taking work, finishes what is queued (bounded by {@code timeout}), fails pending requests. */
    public void close(Duration timeout) {
        running = false;
        LockSupport.unpark(worker);
        try {
            worker.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn("pipeline worker did not finish within {}; {} records left unprocessed", timeout, records.size());
        }
        // Then let each model finish what it was handed: in-flight batches are flushed, not dropped.
        for (ModelLane<?, ?> l : lanes) {
            l.close(timeout);
        }
    }

    /** The batcher of a model, for benchmarks and tests. */
    public Optional<io.dwcp.agent.inference.DynamicBatcher<?, ?>> batcher(String model) {
        return lanes.stream().filter(l -> l.spec().name().equals(model)).findFirst().map(ModelLane::batcher);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

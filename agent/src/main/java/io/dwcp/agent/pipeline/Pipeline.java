package io.dwcp.agent.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.event.Anomaly;
import io.dwcp.agent.event.BandwidthPrediction;
import io.dwcp.agent.event.CompressionChoice;
import io.dwcp.agent.event.DegradationForecast;
import io.dwcp.agent.event.Event;
import io.dwcp.agent.event.EventSink;
import io.dwcp.agent.event.LatencyResult;
import io.dwcp.agent.event.PredictionError;
import io.dwcp.agent.inference.DynamicBatcher;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ingest.RecordQueue;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.predict.AnalyticCompressionSelector;
import io.dwcp.agent.predict.AnomalyVerdict;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.agent.predict.DegradationInput;
import io.dwcp.agent.predict.DegradationVerdict;
import io.dwcp.agent.predict.LatencyVerdict;
import io.dwcp.agent.predict.ModelSet;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.agent.window.WindowStore;
import io.dwcp.models.features.Schemas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline worker: owns the windows, drains ingested records and client requests, and hands every
 * model input to that model's {@link DynamicBatcher}, whose thread runs the model on whole batches and
 * publishes the events. One worker thread, so windows need no locks and requests see the same windows
 * the stream does; inference never runs here nor on a Netty loop. Netty's loops only {@link #offer} and
 * {@link #submit}, which never block: both queues are bounded and a full one is a counted drop (records)
 * or an immediate {@code overloaded} error (requests).
 *
 * <p>A predictor that throws fails its batch only: the records' events are lost and counted
 * ({@code dwcp_predictions_failed_total{reason="error"}}), requests get an {@code inference_failed}
 * error, and the workers go on. A full batcher queue is counted as {@code reason="overloaded"}.
 */
public final class Pipeline implements RecordQueue, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** Rows of per-node reliability history the detectors judge against. */
    public static final int RELIABILITY_HISTORY = 30;
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ArrayBlockingQueue<MetricRecord> records;
    private final ArrayBlockingQueue<Request> requests;
    private final int maxDrain;
    private final WindowStore links;
    private final WindowStore nodes;
    private final WindowStore consensus;
    private final EventSink sink;
    private final AtomicReference<ModelSet> models;
    private final Map<String, Counter> predictions = new LinkedHashMap<>();
    private final Map<String, Counter> failures = new LinkedHashMap<>();
    private final Map<String, Counter> overloaded = new LinkedHashMap<>();
    private final DynamicBatcher<float[][], BandwidthForecast> bwBatcher;
    private final DynamicBatcher<float[], CompressionDecision> cBatcher;
    private final DynamicBatcher<float[][], AnomalyVerdict> rBatcher;
    private final DynamicBatcher<float[][], LatencyVerdict> lBatcher;
    // Degradation forecaster: its own 60-step link windows (bounded like the link store) and, per tracked
    // link, [last warning state (-1 none yet), full windows since the last streamed event].
    private final AgentConfig.Degradation degradation;
    private final WindowStore degWindows;
    private final java.util.concurrent.ConcurrentHashMap<String, int[]> degState = new java.util.concurrent.ConcurrentHashMap<>();
    private final DynamicBatcher<DegradationInput, DegradationVerdict> dBatcher;
    private final AccuracyTracker accuracy;
    private final TransferRecommender recommender; // null when dwcp.recommend.enabled=false
    private final DriftMonitor bwDrift;
    private final DriftMonitor cDrift;
    private final DriftMonitor rDrift;
    private final DriftMonitor lDrift;
    private final DistributionSummary batchSize;
    private final Timer batchTime;
    private final Counter requestsRejected;
    private final RateLimitedLog failureLog;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean idle = true;
    private volatile Tap tap = Tap.NONE;

    /**
     * Sees every record the worker takes, in order, with the forecaster window it completed (null for other
     * measurements and partial windows). Called on the worker thread: implementations only hand off, never
     * block (issue 8: history recording and shadow evaluation).
     */
    @FunctionalInterface
    public interface Tap {
        Tap NONE = (r, w) -> { };

        void accept(MetricRecord record, float[][] linkWindow);

        static Tap both(Tap a, Tap b) {
            return (r, w) -> {
                a.accept(r, w);
                b.accept(r, w);
            };
        }
    }

    /** Installs the tap (before {@link #start()} or at any time; the worker reads it once per batch). */
    public void tap(Tap t) {
        this.tap = t == null ? Tap.NONE : t;
    }

    public Pipeline(AgentConfig config, ModelSet initial, EventSink sink, MeterRegistry registry) {
        this.records = new ArrayBlockingQueue<>(config.pipeline().queueCapacity());
        this.requests = new ArrayBlockingQueue<>(Math.max(16, config.pipeline().maxDrain()));
        this.maxDrain = config.pipeline().maxDrain();
        long idleNanos = config.windows().idleEviction().toNanos();
        this.links = new WindowStore("link", config.windows().bandwidthLength(), Schemas.BANDWIDTH.size(),
                config.windows().maxLinks(), idleNanos, registry);
        this.nodes = new WindowStore("node", RELIABILITY_HISTORY, Schemas.RELIABILITY.size(),
                config.windows().maxNodes(), idleNanos, registry);
        this.consensus = new WindowStore("consensus", config.windows().latencyLength(), Schemas.LATENCY.size(),
                config.windows().maxNodes(), idleNanos, registry);
        this.sink = sink;
        this.models = new AtomicReference<>(initial);
        for (String m : List.of("bandwidth", "compression", "reliability", "latency", "degradation")) {
            predictions.put(m, Counter.builder("dwcp.predictions").tag("model", m)
                    .description("predictions made").register(registry));
            failures.put(m, Counter.builder("dwcp.predictions.failed").tag("model", m).tag("reason", "error")
                    .description("predictions lost").register(registry));
            overloaded.put(m, Counter.builder("dwcp.predictions.failed").tag("model", m).tag("reason", "overloaded")
                    .description("predictions lost").register(registry));
        }
        batchSize = DistributionSummary.builder("dwcp.pipeline.batch.size").description("records per drained batch")
                .register(registry);
        batchTime = Timer.builder("dwcp.pipeline.batch.duration").description("time to process one batch")
                .register(registry);
        requestsRejected = Counter.builder("dwcp.requests.rejected").tag("reason", "overloaded")
                .description("requests refused because the request queue was full").register(registry);
        Gauge.builder("dwcp.pipeline.queue.depth", records, ArrayBlockingQueue::size)
                .description("records waiting for the worker").register(registry);
        failureLog = new RateLimitedLog(LOG, java.time.Duration.ofSeconds(10));
        AgentConfig.Inference ic = config.inference();
        bwBatcher = new DynamicBatcher<>("bandwidth", () -> models.get().bandwidth(), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), registry);
        cBatcher = new DynamicBatcher<>("compression", () -> models.get().compression(), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), registry);
        rBatcher = new DynamicBatcher<>("reliability", () -> models.get().reliability(), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), registry);
        lBatcher = new DynamicBatcher<>("latency", () -> models.get().latency(), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), registry);
        dBatcher = new DynamicBatcher<>("degradation", () -> models.get().degradation(), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), registry);
        this.degradation = config.degradation();
        this.degWindows = new WindowStore("degradation", degradation.windowLength(), Schemas.BANDWIDTH.size(),
                config.windows().maxLinks(), idleNanos, registry);
        degWindows.onEvict(degState::remove);
        accuracy = new AccuracyTracker(config.windows().maxLinks(), registry);
        bwDrift = new DriftMonitor("bandwidth", Schemas.BANDWIDTH, () -> models.get().bandwidth().inputScaler().orElse(null), registry);
        cDrift = new DriftMonitor("compression", Schemas.COMPRESSION, () -> models.get().compression().inputScaler().orElse(null), registry);
        rDrift = new DriftMonitor("reliability", Schemas.RELIABILITY, () -> models.get().reliability().inputScaler().orElse(null), registry);
        lDrift = new DriftMonitor("latency", Schemas.LATENCY, () -> models.get().latency().inputScaler().orElse(null), registry);
        recommender = config.recommend().enabled()
                ? new TransferRecommender(new io.dwcp.agent.predict.TransferAdvisor(config.recommend().settings()), sink,
                        config.windows().maxLinks(), registry)
                : null;
        links.onEvict(k -> {
            accuracy.remove(k);
            if (recommender != null) {
                recommender.remove(k);
            }
        });
        worker = new Thread(this::run, "dwcp-pipeline");
        worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    public ModelSet models() {
        return models.get();
    }

    /** Swaps the model set; the old one is returned for the caller to close once no batch uses it. */
    public ModelSet swapModels(ModelSet next) {
        return models.getAndSet(next);
    }

    @Override
    public boolean offer(MetricRecord record) {
        boolean ok = records.offer(record);
        if (ok && idle) {
            LockSupport.unpark(worker);
        }
        return ok;
    }

    /** Queues a request; a full queue answers {@code overloaded} at once. */
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
                links.evictIdle(now);
                degWindows.evictIdle(now);
                nodes.evictIdle(now);
                consensus.evictIdle(now);
                accuracy.publish();
                lastSweep = now;
            }
        }
        for (Request r; (r = requests.poll()) != null; ) {
            r.reply().accept(Request.Reply.error(r.id(), "shutting_down", "agent is stopping"));
        }
    }

    private void process(List<MetricRecord> batch, List<Request> reqs) {
        long now = System.nanoTime();
        List<MetricRecord> bwKeys = new ArrayList<>();
        List<float[][]> bwIn = new ArrayList<>();
        List<MetricRecord> cKeys = new ArrayList<>();
        List<float[]> cIn = new ArrayList<>();
        List<MetricRecord> rKeys = new ArrayList<>();
        List<float[][]> rIn = new ArrayList<>();
        List<MetricRecord> lKeys = new ArrayList<>();
        List<float[][]> lIn = new ArrayList<>();
        Tap t = tap;
        List<MetricRecord> dKeys = new ArrayList<>();
        List<DegradationInput> dIn = new ArrayList<>();
        for (MetricRecord r : batch) {
            float[][] linkWindow = null;
            switch (r.measurement()) {
                case LINK -> {
                    accuracy.actual(r.key(), r.values()[0]);
                    float[] v = linkVector(r);
                    bwDrift.observe(v);
                    RingWindow w = links.add(r.key(), v, r.timestampMillis(), now);
                    if (w.full()) {
                        bwKeys.add(r);
                        bwIn.add(linkWindow = w.snapshot());
                    }
                    if (degradation.enabled()) {
                        RingWindow dw = degWindows.add(r.key(), v, r.timestampMillis(), now);
                        degState.putIfAbsent(r.key(), new int[] {-1, 0});
                        if (dw.full() && (dw.added() - dw.capacity()) % degradation.every() == 0) {
                            dKeys.add(r);
                            dIn.add(new DegradationInput(dw.snapshot(), degradation.slo()));
                        }
                    }
                }
                case TRANSFER -> {
                    cKeys.add(r);
                    float[] v = toFloats(r.values());
                    cDrift.observe(v);
                    cIn.add(v);
                }
                case RELIABILITY -> {
                    float[] v = toFloats(r.values());
                    rDrift.observe(v);
                    RingWindow w = nodes.add(r.key(), v, r.timestampMillis(), now);
                    if (w.size() > ModelSet.BASELINE_MIN_HISTORY) {
                        rKeys.add(r);
                        rIn.add(w.snapshot());
                    }
                }
                case CONSENSUS -> {
                    float[] v = toFloats(r.values());
                    lDrift.observe(v);
                    RingWindow w = consensus.add(r.key(), v, r.timestampMillis(), now);
                    if (w.full()) {
                        lKeys.add(r);
                        lIn.add(w.snapshot());
                    }
                }
            }
            t.accept(r, linkWindow);
        }
        // Requests ride in the same model calls as the stream: one batch per model per loop.
        List<Request> bwReq = new ArrayList<>();
        List<Request> cReq = new ArrayList<>();
        List<Request> rReq = new ArrayList<>();
        List<Request> lReq = new ArrayList<>();
        List<float[][]> bwReqIn = new ArrayList<>();
        List<float[]> cReqIn = new ArrayList<>();
        List<float[][]> rReqIn = new ArrayList<>();
        List<float[][]> lReqIn = new ArrayList<>();
        // For requests that name a link or node: who it was, so replies carry node_id/peer_id like stream events.
        List<MetricRecord> bwReqRec = new ArrayList<>();
        List<MetricRecord> rReqRec = new ArrayList<>();
        List<MetricRecord> lReqRec = new ArrayList<>();
        List<Request> dReq = new ArrayList<>();
        List<DegradationInput> dReqIn = new ArrayList<>();
        List<MetricRecord> dReqRec = new ArrayList<>();
        for (Request q : reqs) {
            try {
                switch (q.method()) {
                    case PredictBandwidth -> {
                        bwReqIn.add(windowParam(q.params(), links, Schemas.BANDWIDTH.size(), true));
                        bwReq.add(q);
                        bwReqRec.add(requestRecord(q.params(), Measurement.LINK, links));
                    }
                    case SelectCompression -> {
                        cReqIn.add(vectorParam(q.params(), Schemas.COMPRESSION.size()));
                        cReq.add(q);
                    }
                    case DetectAnomaly -> {
                        rReqIn.add(anomalyParam(q.params()));
                        rReq.add(q);
                        rReqRec.add(requestRecord(q.params(), Measurement.RELIABILITY, nodes));
                    }
                    case DetectHighLatency -> {
                        lReqIn.add(windowParam(q.params(), consensus, Schemas.LATENCY.size(), true));
                        lReq.add(q);
                        lReqRec.add(requestRecord(q.params(), Measurement.CONSENSUS, consensus));
                    }
                    case RecommendTransfer -> q.reply().accept(recommendation(q));
                    case PredictDegradation -> {
                        float[][] w = windowParam(q.params(), degWindows, Schemas.BANDWIDTH.size(), true);
                        dReqIn.add(new DegradationInput(w, sloParam(q.params(), degradation.slo())));
                        dReq.add(q);
                        dReqRec.add(requestRecord(q.params(), Measurement.LINK, degWindows));
                    }
                }
            } catch (IllegalArgumentException e) {
                q.reply().accept(Request.Reply.error(q.id(), "bad_request", e.getMessage()));
            }
        }
        List<MetricRecord> noRecords = java.util.Collections.nCopies(cReq.size(), null);
        submit("bandwidth", bwBatcher, bwKeys, bwIn, bwReq, bwReqIn, bwReqRec,
                (r, f) -> accuracy.forecast(r.key(), f.bandwidthMbps()), (r, f) -> bandwidthEvent(r, f, models.get()));
        submit("compression", cBatcher, cKeys, cIn, cReq, cReqIn, noRecords, null,
                (r, d) -> compressionEvent(r, d, models.get()));
        submit("reliability", rBatcher, rKeys, rIn, rReq, rReqIn, rReqRec, null, (r, v) -> anomalyEvent(r, v, models.get()));
        submit("latency", lBatcher, lKeys, lIn, lReq, lReqIn, lReqRec, null, (r, v) -> latencyEvent(r, v, models.get()));
        submit("degradation", dBatcher, dKeys, dIn, dReq, dReqIn, dReqRec, null, (r, v) -> degradationEvent(r, v, models.get()));
    }

    /**
     * Hands stream inputs and request inputs to the model's batcher. Completion runs on the batcher thread:
     * stream results become events (anomalies only for the detectors), request results become replies.
     */
    private <I, O> void submit(String model, DynamicBatcher<I, O> batcher, List<MetricRecord> keys, List<I> in,
                               List<Request> reqs, List<I> reqIn, List<MetricRecord> reqRecords,
                               java.util.function.BiConsumer<MetricRecord, O> onStream,
                               java.util.function.BiFunction<MetricRecord, O, Event> toEvent) {
        for (int i = 0; i < in.size(); i++) {
            MetricRecord r = keys.get(i);
            batcher.submit(in.get(i)).whenComplete((out, err) -> {
                if (err != null) {
                    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    lost(model, c);
                    sink.publish(new PredictionError(model, r.nodeId(), r.peerId(),
                            c instanceof RejectedExecutionException ? "overloaded" : "error", String.valueOf(c.getMessage()),
                            Instant.ofEpochMilli(r.timestampMillis()).toString()));
                    return;
                }
                predictions.get(model).increment();
                if (onStream != null) {
                    onStream.accept(r, out);
                }
                Event e = toEvent.apply(r, out);
                if (e != null && shouldStream(e)) {
                    sink.publish(e);
                }
                if (recommender != null) {
                    if (e instanceof BandwidthPrediction bp && out instanceof BandwidthForecast f) {
                        recommender.onPrediction(f, bp);
                    } else if (e instanceof CompressionChoice c) {
                        recommender.onCompression(c);
                    }
                }
            });
        }
        for (int i = 0; i < reqs.size(); i++) {
            Request q = reqs.get(i);
            MetricRecord who = reqRecords.get(i);
            batcher.submit(reqIn.get(i)).whenComplete((out, err) -> {
                if (err != null) {
                    Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                    lost(model, c);
                    boolean full = c instanceof RejectedExecutionException;
                    q.reply().accept(Request.Reply.error(q.id(), full ? "overloaded" : "inference_failed",
                            model + ": " + c.getMessage()));
                    return;
                }
                predictions.get(model).increment();
                q.reply().accept(Request.Reply.ok(q.id(), toEvent.apply(who, out)));
            });
        }
    }

    /** {@code RecommendTransfer}: the latest advice for the link, from its latest forecast; no model call. */
    private Request.Reply recommendation(Request q) {
        if (recommender == null) {
            return Request.Reply.error(q.id(), "disabled", "transfer recommendations are off (dwcp.recommend.enabled=false)");
        }
        String key = keyParam(q.params(), true);
        return recommender.latest(key).map(r -> Request.Reply.ok(q.id(), r))
                .orElseGet(() -> Request.Reply.error(q.id(), "no_recommendation", "no recommendation for " + key
                        + ": no forecast yet, or its confidence was below dwcp.recommend.min-confidence"));
    }

    /** The link or node a request named (null for a bare window), stamped with its window's newest sample time. */
    private static MetricRecord requestRecord(JsonNode p, Measurement m, WindowStore store) {
        JsonNode n = p.get("node_id");
        if (n == null || !n.isTextual() || p.has("window")) {
            return null;
        }
        String peer = m.perLink() && p.path("peer_id").isTextual() ? p.get("peer_id").asText() : null;
        RingWindow w = store.get(MetricRecord.key(n.asText(), peer));
        long ts = w == null || w.lastTimestampMillis() == Long.MIN_VALUE ? System.currentTimeMillis() : w.lastTimestampMillis();
        return new MetricRecord(m, n.asText(), peer, ts, new double[0]);
    }

    private void lost(String model, Throwable err) {
        if (err instanceof RejectedExecutionException) {
            overloaded.get(model).increment();
        } else {
            failures.get(model).increment();
            failureLog.warn("model " + model + " failed a batch", String.valueOf(err));
        }
    }

    public AccuracyTracker accuracy() {
        return accuracy;
    }

    private boolean shouldStream(Event e) {
        if (e instanceof Anomaly a) {
            return a.is_anomaly();
        }
        if (e instanceof LatencyResult l) {
            return l.is_anomaly();
        }
        if (e instanceof DegradationForecast d && d.node_id() != null) {
            return streamDegradation(MetricRecord.key(d.node_id(), d.peer_id()), d.is_degrading());
        }
        return true;
    }

    private static BandwidthPrediction bandwidthEvent(MetricRecord r, BandwidthForecast f, ModelSet m) {
        Instant now = Instant.now();
        String at = now.toString();
        long validMs = 60_000;
        return new BandwidthPrediction(r == null ? null : r.nodeId(), r == null ? null : r.peerId(),
                f.bandwidthMbps(), f.latencyMs(), f.packetLoss(), f.jitterMs(), f.confidence(),
                now.plusMillis(validMs).toString(), m.bandwidth().name() + "/" + m.bandwidth().version(), at,
                r == null ? null : Instant.ofEpochMilli(r.timestampMillis()).toString());
    }

    /**
     * Whether a link's stream forecast goes out: when its warning turns on or off (the first forecast counts
     * as a change), and every {@code stream-every} forecasts in between. Runs on the batcher thread; a link
     * evicted meanwhile has no state and is not streamed.
     */
    private boolean streamDegradation(String key, boolean degrading) {
        boolean[] send = {false};
        degState.computeIfPresent(key, (k, st) -> {
            int now = degrading ? 1 : 0;
            st[1]++;
            if (st[0] != now || (degradation.streamEvery() > 0 && st[1] >= degradation.streamEvery())) {
                send[0] = true;
                st[0] = now;
                st[1] = 0;
            }
            return st;
        });
        return send[0];
    }

    private static DegradationForecast degradationEvent(MetricRecord r, DegradationVerdict v, ModelSet m) {
        String at = Instant.now().toString();
        return new DegradationForecast(r == null ? null : r.nodeId(), r == null ? null : r.peerId(), v.probability(),
                v.degrading(), v.threshold(), new DegradationForecast.Slo(v.slo().latencyMs(), v.slo().throughputMbps(),
                v.slo().errorRate()), v.latencyMs().length, v.latencyMs(), v.throughputMbps(), v.errorRate(),
                DegradationForecast.top(v.attention(), DegradationForecast.TOP_ATTENTION), v.confidence(),
                m.degradation().name() + "/" + m.degradation().version(), at,
                r == null ? null : Instant.ofEpochMilli(r.timestampMillis()).toString());
    }

    /** {@code params.slo} {latency_ms, throughput_mbps, error_rate}, each optional, over the configured SLO. */
    static io.dwcp.models.data.DegradationSeries.Slo sloParam(JsonNode p, io.dwcp.models.data.DegradationSeries.Slo def) {
        JsonNode s = p.get("slo");
        if (s == null || s.isNull()) {
            return def;
        }
        if (!s.isObject()) {
            throw new IllegalArgumentException("params.slo must be an object");
        }
        double lat = sloField(s, "latency_ms", def.latencyMs());
        double bw = sloField(s, "throughput_mbps", def.throughputMbps());
        double err = sloField(s, "error_rate", def.errorRate());
        return new io.dwcp.models.data.DegradationSeries.Slo(lat, bw, err);
    }

    private static double sloField(JsonNode s, String name, double def) {
        JsonNode v = s.get(name);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
            throw new IllegalArgumentException("params.slo." + name + " must be a positive number");
        }
        return v.asDouble();
    }

    private static CompressionChoice compressionEvent(MetricRecord r, CompressionDecision d, ModelSet m) {
        String at = Instant.now().toString();
        return new CompressionChoice(r == null ? null : r.nodeId(), r == null ? null : r.peerId(), d.codec(),
                AnalyticCompressionSelector.codecName(d.codec()), d.level(), d.expectedGain(), d.confidence(),
                m.compression().name() + "/" + m.compression().version(), at);
    }

    private static Anomaly anomalyEvent(MetricRecord r, AnomalyVerdict v, ModelSet m) {
        String at = Instant.now().toString();
        return new Anomaly(r == null ? null : r.nodeId(), Schemas.RELIABILITY.features().get(v.feature()), v.value(),
                v.expected(), v.deviation(), v.severity().label(), v.confidence(), v.score(), v.anomaly(),
                m.reliability().name(), m.reliability().version(),
                r == null ? at : Instant.ofEpochMilli(r.timestampMillis()).toString());
    }

    private static LatencyResult latencyEvent(MetricRecord r, LatencyVerdict v, ModelSet m) {
        String at = Instant.now().toString();
        Map<String, Double> c = new LinkedHashMap<>();
        List<String> names = Schemas.LATENCY.features();
        for (int i = 0; i < names.size(); i++) {
            c.put(names.get(i), v.contributions()[i]);
        }
        return new LatencyResult(r == null ? null : r.nodeId(), v.anomaly(), v.error(), v.threshold(),
                v.severity().label(), v.confidence(), c, m.latency().name() + "/" + m.latency().version(),
                r == null ? at : Instant.ofEpochMilli(r.timestampMillis()).toString());
    }

    /** The forecaster's 6 features: the 4 measured ones plus hour of day (0..24) and day of week (0=Mon..6), UTC. */
    public static float[] linkVector(MetricRecord r) {
        double[] v = r.values();
        ZonedDateTime t = Instant.ofEpochMilli(r.timestampMillis()).atZone(ZoneOffset.UTC);
        float tod = (float) (t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0);
        float dow = t.getDayOfWeek().getValue() - 1;
        return new float[] {(float) v[0], (float) v[1], (float) v[2], (float) v[3], tod, dow};
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    // --- request parameters -------------------------------------------------------------------------

    private float[][] windowParam(JsonNode p, WindowStore store, int features, boolean needFull) {
        JsonNode w = p.get("window");
        if (w != null) {
            float[][] rows = Params.rows(w, features, "params.window");
            // A wrong-length window would fail the whole model batch it joins, other callers' inputs too.
            if (needFull && rows.length != store.capacityOfWindows()) {
                throw new IllegalArgumentException("params.window has " + rows.length + " rows, the model takes "
                        + store.capacityOfWindows());
            }
            return rows;
        }
        String key = keyParam(p, store == links || store == degWindows);
        RingWindow rw = store.get(key);
        if (rw == null) {
            throw new IllegalArgumentException("no window for " + key + " (send metrics first or pass params.window)");
        }
        if (needFull && !rw.full()) {
            throw new IllegalArgumentException("window for " + key + " has " + rw.size() + " of " + rw.capacity()
                    + " steps");
        }
        return rw.snapshot();
    }

    private float[][] anomalyParam(JsonNode p) {
        int f = Schemas.RELIABILITY.size();
        JsonNode w = p.get("window");
        if (w != null) {
            return windowParam(p, nodes, f, false);
        }
        JsonNode features = p.get("features");
        if (p.hasNonNull("node_id")) {
            RingWindow rw = nodes.get(p.get("node_id").asText());
            float[][] hist = rw == null ? new float[0][] : rw.snapshot();
            if (features == null) {
                if (hist.length == 0) {
                    throw new IllegalArgumentException("no history for node " + p.get("node_id").asText());
                }
                return hist;
            }
            float[][] out = java.util.Arrays.copyOf(hist, hist.length + 1);
            out[hist.length] = Params.row(features, f, "params.features");
            return out;
        }
        if (features != null) {
            return new float[][] {Params.row(features, f, "params.features")};
        }
        throw new IllegalArgumentException("DetectAnomaly needs params.features, params.node_id or params.window");
    }

    private static float[] vectorParam(JsonNode p, int features) {
        JsonNode f = p.get("features");
        if (f == null) {
            throw new IllegalArgumentException("params.features is required");
        }
        return Params.row(f, features, "params.features");
    }

    private static String keyParam(JsonNode p, boolean link) {
        JsonNode n = p.get("node_id");
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("params.node_id (string) or params.window is required");
        }
        if (!link) {
            return n.asText();
        }
        JsonNode peer = p.get("peer_id");
        if (peer == null || !peer.isTextual()) {
            throw new IllegalArgumentException("params.peer_id (string) is required with node_id");
        }
        return MetricRecord.key(n.asText(), peer.asText());
    }

    public boolean isRunning() {
        return running && worker.isAlive();
    }

    /** Stops taking work, finishes what is queued (bounded by {@code timeout}), fails pending requests. */
    public void close(java.time.Duration timeout) {
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
        for (DynamicBatcher<?, ?> b : List.of(bwBatcher, cBatcher, rBatcher, lBatcher, dBatcher)) {
            b.close(timeout);
        }
    }

    @Override
    public void close() {
        close(java.time.Duration.ofSeconds(5));
    }
}

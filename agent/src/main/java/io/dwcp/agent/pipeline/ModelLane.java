package io.dwcp.agent.pipeline;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.inference.DynamicBatcher;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.ops.ThreadScheduling;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.PredictionError;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.RequestError;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.agent.window.WindowStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One registered model inside the pipeline: its windows, its batcher, its drift monitor, its counters, and
 * the spec's {@link ModelSpec.Serving} that decides inputs, events and what streams. Generic: nothing here
 * names a model.
 *
 * <p>{@link #onRecord}, {@link #onRequest} and {@link #sweep} run on the pipeline worker only (windows need
 * no lock); completions run on the batcher's thread.
 */
final class ModelLane<I, O> {
    private final ModelSpec<I, O> spec;
    private final ModelSpec.Serving<I, O> serving;
    private final boolean streams;
    private final WindowStore store; // null: the model keeps no window
    private final ModelSpec.Windows windows;
    private final DynamicBatcher<I, O> batcher;
    private final DriftMonitor drift; // null: not monitored
    private final Supplier<ModelSet> models;
    private final EventSink sink;
    private final Consumer<Event> streamObserver;
    private final RateLimitedLog failureLog;
    private final Counter predictions;
    private final Counter failures;
    private final Counter overloaded;
    private final Counter expired;

    ModelLane(ModelSpec<I, O> spec, AgentConfig config, Supplier<ModelSet> models, EventSink sink,
              Consumer<Event> streamObserver, RateLimitedLog failureLog, ThreadScheduling scheduling,
              MeterRegistry registry) {
        this.spec = spec;
        this.models = models;
        this.sink = sink;
        this.streamObserver = streamObserver;
        this.failureLog = failureLog;
        this.serving = spec.serving(new ModelSpec.Context(config, registry));
        this.streams = spec.streams(config);
        int length = spec.windowLength(config);
        if (length > 0) {
            int maxKeys = spec.measurement().perLink() ? config.windows().maxLinks() : config.windows().maxNodes();
            store = new WindowStore(spec.windowStoreName(), length, spec.schema().size(), maxKeys,
                    config.windows().maxKeyBytes(), config.windows().idleEviction().toNanos(), registry);
            store.onEvict(serving::evicted);
            windows = new ModelSpec.Windows() {
                @Override public RingWindow get(String key) { return store.get(key); }
                @Override public int length() { return length; }
            };
        } else {
            store = null;
            windows = null;
        }
        AgentConfig.Inference ic = config.inference();
        this.batcher = new DynamicBatcher<>(spec.name(), () -> models.get().get(spec), ic.maxBatchSize(),
                ic.maxQueueDelayMicros(), ic.queueCapacity(), ic.maxInputAge(), registry,
                spec.latencySensitive() ? r -> new Thread(scheduling.latencyPath(r)) : Thread::new);
        this.drift = spec.monitorsDrift()
                ? new DriftMonitor(spec.name(), spec.schema(), () -> models.get().get(spec).inputScaler().orElse(null), registry)
                : null;
        predictions = Counter.builder("dwcp.predictions").tag("model", spec.name())
                .description("predictions made").register(registry);
        failures = Counter.builder("dwcp.predictions.failed").tag("model", spec.name()).tag("reason", "error")
                .description("predictions lost").register(registry);
        overloaded = Counter.builder("dwcp.predictions.failed").tag("model", spec.name()).tag("reason", "overloaded")
                .description("predictions lost").register(registry);
        expired = Counter.builder("dwcp.predictions.failed").tag("model", spec.name()).tag("reason", "expired")
                .description("predictions lost").register(registry);
    }

    ModelSpec<I, O> spec() {
        return spec;
    }

    DynamicBatcher<I, O> batcher() {
        return batcher;
    }

    void start() {
        batcher.start();
    }

    /** Adds the record to its window and submits the input it completes; returns that input (null: none). */
    I onRecord(MetricRecord r, long nowNanos) {
        if (!streams) {
            return null;
        }
        float[] v = spec.features(r);
        if (drift != null) {
            drift.observe(v);
        }
        RingWindow w = store == null ? null : store.add(r.key(), v, r.timestampMillis(), nowNanos);
        I in = serving.streamInput(r, v, w);
        if (in != null) {
            batcher.submit(in).whenComplete((out, err) -> {
                if (err != null) {
                    Throwable c = cause(err);
                    lost(c);
                    sink.publish(new PredictionError(spec.name(), r.nodeId(), r.peerId(), reason(c),
                            String.valueOf(c.getMessage()), Instant.ofEpochMilli(r.timestampMillis()).toString()));
                    return;
                }
                predictions.increment();
                Event e = serving.event(r, in, out, models.get().get(spec));
                if (e != null && serving.publish(r, out, e)) {
                    sink.publish(e);
                }
                if (e != null) {
                    streamObserver.accept(e);
                }
            });
        }
        return in;
    }

    /** Decodes the request and submits it with the stream's inputs; bad params are answered at once. */
    void onRequest(Request q) {
        ModelSpec.RequestInput<I> in;
        try {
            in = serving.decode(q.method(), q.params(), windows);
        } catch (IllegalArgumentException e) {
            q.reply().accept(Request.Reply.error(q.id(), RequestError.codeOf(e), e.getMessage()));
            return;
        }
        batcher.submit(in.input()).whenComplete((out, err) -> {
            if (err != null) {
                Throwable c = cause(err);
                lost(c);
                // Expired: the agent could not serve it in time, which to the caller is being overloaded.
                boolean full = c instanceof RejectedExecutionException || c instanceof DynamicBatcher.ExpiredException;
                q.reply().accept(Request.Reply.error(q.id(), full ? "overloaded" : "inference_failed",
                        spec.name() + ": " + c.getMessage()));
                return;
            }
            predictions.increment();
            q.reply().accept(Request.Reply.ok(q.id(), serving.reply(in.who(), in.input(), out, models.get().get(spec))));
        });
    }

    void sweep(long nowNanos) {
        if (store != null) {
            store.evictIdle(nowNanos);
        }
        serving.tick();
    }

    /** Called with the key of every window this lane evicts. */
    void onEvict(Consumer<String> listener) {
        if (store != null) {
            store.onEvict(k -> {
                serving.evicted(k);
                listener.accept(k);
            });
        }
    }

    /** Whether the batcher's worker is alive (or not started yet); its name when it died. */
    boolean alive() {
        return batcher.isAlive();
    }

    void close(Duration timeout) {
        batcher.close(timeout);
        serving.close();
    }

    /** A record of one of the spec's feedback measurements; on the worker. */
    void onFeedback(MetricRecord record) {
        serving.feedback(record);
    }

    void ready() {
        serving.ready();
    }

    private static Throwable cause(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }

    private static String reason(Throwable c) {
        return c instanceof RejectedExecutionException ? "overloaded"
                : c instanceof DynamicBatcher.ExpiredException ? "expired" : "error";
    }

    private void lost(Throwable err) {
        if (err instanceof RejectedExecutionException) {
            overloaded.increment();
        } else if (err instanceof DynamicBatcher.ExpiredException) {
            expired.increment();
        } else {
            failures.increment();
            failureLog.warn("model " + spec.name() + " failed a batch", String.valueOf(err));
        }
    }

}

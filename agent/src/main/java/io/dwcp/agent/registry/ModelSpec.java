package io.dwcp.agent.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;

/**
 * Everything the agent needs to serve one model. Adding a model is one implementation of this interface
 * (plus its training and serving pieces in {@code models/}) registered in a {@link ModelRegistry}: the
 * pipeline, backends, reloader and history recorder are generic over it.
 *
 * <p>A spec is a stateless description; the state one pipeline keeps for the model (per-link streaming
 * state, accuracy tracking) lives in the {@link Serving} it creates with {@link #serving}.
 *
 * @param <I> one model input (a window, a feature vector, ...)
 * @param <O> one model output
 */
public interface ModelSpec<I, O> {
    /**
     * The model's name: its {@code model} metric label, its folder under the models directory and in the
     * embedded defaults, and the key of its predictor in a {@link ModelSet}.
     */
    String name();

    /** The measurement whose records feed the model's stream. */
    Measurement measurement();

    /** The feature schema of one row of the model's input (names and order the artifact must declare). */
    FeatureSchema schema();

    /** The model's feature row of one record: the one feature definition, shared with training and history. */
    float[] features(MetricRecord record);

    /** Rows kept per key (window length); 0 when the model reads one record at a time and keeps no window. */
    int windowLength(AgentConfig config);

    /** The {@code store} label of the model's window metrics. */
    default String windowStoreName() {
        return name();
    }

    /**
     * The setting that fixes {@link #windowLength} (named in the error when a model's trained window
     * differs); null when the window is not configurable and the artifact's own window is used.
     */
    default String windowLengthKey() {
        return null;
    }

    /** Whether {@link #windowLength} must equal the artifact's trained window. */
    default boolean windowMustMatch() {
        return windowLengthKey() != null;
    }

    /**
     * Whether the model predicts for the stream (keeps windows from ingested records); when false it only
     * answers requests that carry their own input.
     */
    default boolean streams(AgentConfig config) {
        return true;
    }

    /** Ways to run the trained model, best first; the first that loads and passes its smoke test serves. */
    List<Provider<I, O>> providers();

    /** What serves when no provider can: a classic method that needs no trained artifact. Fresh per call. */
    Predictor<I, O> baseline();

    /** The request methods this model answers on the socket (unique across the registry). */
    Set<String> methods();

    /**
     * The {@code type}s of the events the model streams: what a socket client may {@code subscribe} to
     * (a type nobody streams is refused, so a misspelt type is an error rather than silence).
     */
    Set<String> eventTypes();

    /**
     * Whether the model has a trained artifact ({@code <models-dir>/<name>}, else the embedded default). A
     * model without one is served by its first provider that needs no artifact, else by its baseline.
     */
    default boolean hasArtifact() {
        return true;
    }

    /** Whether the ingested records of {@link #measurement} are recorded to history as this model's rows. */
    default boolean recordsHistory() {
        return true;
    }

    /**
     * Whether a caller waits on this model's output sample by sample (the forecast a DWCP node acts on, a codec
     * choice at a transfer's start): its batcher thread then joins the latency path ({@code dwcp.scheduling}),
     * whose threads preempt longer-running work when they wake. Detectors that judge whole windows do not.
     */
    default boolean latencySensitive() {
        return false;
    }

    /** Whether input drift against the model's training scaler is monitored. */
    default boolean monitorsDrift() {
        return true;
    }

    /**
     * Measurements besides {@link #measurement} whose records the model learns from (issue 15: transfer outcomes
     * for the compression selector): each is handed to {@link Serving#feedback} on the worker, never predicted on.
     */
    default Set<Measurement> feedback() {
        return Set.of();
    }

    /** The pipeline's per-model state and behaviour; one per pipeline, created before its worker starts. */
    Serving<I, O> serving(Context context);

    /** What a {@link Serving} may use. */
    record Context(AgentConfig config, MeterRegistry registry) {}

    /**
     * A model's behaviour inside one pipeline. {@link #streamInput} and {@link #decode} run on the pipeline
     * worker; {@link #event} and {@link #publish} on the model's batcher thread (make shared state
     * concurrent); {@link #evicted} on the worker.
     */
    interface Serving<I, O> {
        /**
         * The record was added to its key's window ({@code window} null when the model keeps none): the input
         * to predict for it now, or null for none yet (window not full, cadence).
         */
        I streamInput(MetricRecord record, float[] features, RingWindow window);

        /**
         * A request's input, from its params and the model's windows ({@code windows} null when the model
         * keeps none). Bad params throw {@link IllegalArgumentException} with the message for the client.
         */
        RequestInput<I> decode(String method, JsonNode params, Windows windows);

        /**
         * The event (stream) or reply result (request) for one output of {@code input}; {@code who} null for a
         * bare request.
         */
        Event event(MetricRecord who, I input, O output, Predictor<I, O> model);

        /** The result for a request; by default what the stream would send for the same output. */
        default Event reply(MetricRecord who, I input, O output, Predictor<I, O> model) {
            return event(who, input, output, model);
        }

        /** Whether a stream event goes out (e.g. anomalies only); may update per-key state. */
        default boolean publish(MetricRecord record, O output, Event event) {
            return true;
        }

        /** The key's window was evicted: forget its state. */
        default void evicted(String key) {}

        /** Once a second on the worker: publish gauges and the like. */
        default void tick() {}

        /** A record of one of the spec's {@link ModelSpec#feedback} measurements, on the worker. Never blocks. */
        default void feedback(MetricRecord record) {}

        /**
         * The agent is ready (its management port is bound, {@code /health} answers): background work that must not
         * slow the start may begin now. Called once, from the thread that saw the server start; never blocks.
         */
        default void ready() {}

        /** The pipeline stopped: release what the serving holds (flush state). Called once, after the last event. */
        default void close() {}
    }

    /** A decoded request: the model input and whom it is about (null: a bare window or vector). */
    record RequestInput<I>(I input, MetricRecord who) {}

    /** Read access to a model's windows for requests. */
    interface Windows {
        RingWindow get(String key);

        /** Rows per full window. */
        int length();
    }
}

package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.DegradationInput;
import io.dwcp.agent.predict.DegradationVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.predict.TrendDegradationForecaster;
import io.dwcp.agent.protocol.DegradationForecast;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The degradation forecaster: per link its own {@code dwcp.degradation.window-length} window of link samples
 * (the forecaster's feature row), forecast on the first full window and then every
 * {@code dwcp.degradation.every} samples against the configured SLO; streamed as {@code degradation_forecast}
 * when a link's warning turns on or off and every {@code dwcp.degradation.stream-every} forecasts between;
 * answered to {@code PredictDegradation} (with the request's own SLO if given).
 */
public final class DegradationSpec implements ModelSpec<DegradationInput, DegradationVerdict> {
    public static final String NAME = "degradation";
    public static final String METHOD = "PredictDegradation";
    /** The keys a request's {@code params} may have. */
    static final Set<String> SLO_KEYS = Set.of("latency_ms", "throughput_mbps", "error_rate");
    static final Set<String> PARAMS = Set.of("node_id", "peer_id", "window", "slo");

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.LINK; }
    @Override public FeatureSchema schema() { return Schemas.BANDWIDTH; }
    @Override public int windowLength(AgentConfig c) { return c.degradation().windowLength(); }
    @Override public String windowLengthKey() { return "dwcp.degradation.window-length"; }
    @Override public Set<String> methods() { return Set.of(METHOD); }
    @Override public Set<String> eventTypes() { return Set.of(DegradationForecast.TYPE); }
    @Override public boolean streams(AgentConfig c) { return c.degradation().enabled(); }
    @Override public boolean recordsHistory() { return false; }
    @Override public boolean monitorsDrift() { return false; }
    @Override public float[] features(MetricRecord r) { return BandwidthSpec.linkVector(r); }

    @Override
    public List<Provider<DegradationInput, DegradationVerdict>> providers() {
        // Our C network on the artifact's weights file before TensorFlow (a GPU backend puts TensorFlow first).
        return List.of(new Provider<>() {
            @Override public String name() { return "native-cpu"; }
            @Override public Engine engine() { return Engine.NATIVE; }

            @Override
            public Smokable<DegradationInput, DegradationVerdict> create(ModelArtifact a, Environment env) throws Exception {
                return new Tf(DegradationForecaster.onNativeKernels(a));
            }
        }, new Provider<>() {
            @Override public String name() { return "tensorflow"; }
            @Override public Engine engine() { return Engine.TENSORFLOW; }

            @Override
            public Smokable<DegradationInput, DegradationVerdict> create(ModelArtifact a, Environment env) {
                return env.tensorflow(env.onGpu(), () -> new Tf(new DegradationForecaster(a, env.fusedLstm())));
            }
        });
    }

    @Override
    public Predictor<DegradationInput, DegradationVerdict> baseline() {
        return new TrendDegradationForecaster();
    }

    @Override
    public Serving<DegradationInput, DegradationVerdict> serving(Context ctx) {
        AgentConfig.Degradation cfg = ctx.config().degradation();
        // Per tracked link: [last warning state (-1 none yet), forecasts since the last streamed event].
        ConcurrentHashMap<String, int[]> state = new ConcurrentHashMap<>();
        DegradationArbitration arbitration = new DegradationArbitration(ctx.config().windows().maxLinks(), ctx.registry());
        return new Serving<>() {
            @Override
            public DegradationInput streamInput(MetricRecord r, float[] features, RingWindow w) {
                state.putIfAbsent(r.key(), new int[] {-1, 0});
                arbitration.observe(r.key(), features, cfg.slo());
                if (w.full() && (w.added() - w.capacity()) % cfg.every() == 0) {
                    return new DegradationInput(w.snapshot(), cfg.slo());
                }
                return null;
            }

            @Override
            public RequestInput<DegradationInput> decode(String method, JsonNode p, Windows windows) {
                Params.only(p, PARAMS, "params");
                float[][] w = RequestParams.window(p, windows, Measurement.LINK, Schemas.BANDWIDTH.size(), true);
                return new RequestInput<>(new DegradationInput(w, slo(p, cfg.slo())),
                        RequestParams.who(p, Measurement.LINK, windows));
            }

            @Override
            public Event event(MetricRecord r, DegradationInput input,
                    DegradationVerdict v, Predictor<DegradationInput, DegradationVerdict> m) {
                return forecast(r, arbitration.serve(r == null ? null : r.key(), input, v, m, true));
            }

            @Override
            public Event reply(MetricRecord r, DegradationInput input,
                    DegradationVerdict v, Predictor<DegradationInput, DegradationVerdict> m) {
                return forecast(r, arbitration.serve(r == null ? null : r.key(), input, v, m, false));
            }

            private DegradationForecast forecast(MetricRecord r, DegradationArbitration.Served s) {
                DegradationVerdict v = s.verdict();
                return new DegradationForecast(RequestParams.nodeId(r), RequestParams.peerId(r), v.probability(),
                        v.degrading(), v.threshold(), new DegradationForecast.Slo(v.slo().latencyMs(),
                        v.slo().throughputMbps(), v.slo().errorRate()), v.latencyMs().length, v.latencyMs(),
                        v.throughputMbps(), v.errorRate(), DegradationForecast.top(v.attention(), DegradationForecast.TOP_ATTENTION),
                        v.confidence(), s.modelVersion(), Instant.now().toString(), RequestParams.sampleTime(r),
                        s.source(), s.recentBrier());
            }

            /**
             * When the link's warning turns on or off (the first forecast counts as a change), and every
             * {@code stream-every} forecasts in between. A link evicted meanwhile has no state and is not streamed.
             */
            @Override
            public boolean publish(MetricRecord r, DegradationVerdict v, Event e) {
                boolean[] send = {false};
                state.computeIfPresent(r.key(), (k, st) -> {
                    int now = v.degrading() ? 1 : 0;
                    st[1]++;
                    if (st[0] != now || (cfg.streamEvery() > 0 && st[1] >= cfg.streamEvery())) {
                        send[0] = true;
                        st[0] = now;
                        st[1] = 0;
                    }
                    return st;
                });
                return send[0];
            }

            @Override
            public void evicted(String key) {
                state.remove(key);
                arbitration.forget(key);
            }
        };
    }

    /** {@code params.slo} {latency_ms, throughput_mbps, error_rate}, each optional, over the configured SLO. */
    static DegradationSeries.Slo slo(JsonNode p, DegradationSeries.Slo def) {
        JsonNode s = p.get("slo");
        if (s == null || s.isNull()) {
            return def;
        }
        if (!s.isObject()) {
            throw new IllegalArgumentException("params.slo must be an object");
        }
        Params.only(s, SLO_KEYS, "params.slo");
        return new DegradationSeries.Slo(sloField(s, "latency_ms", def.latencyMs()),
                sloField(s, "throughput_mbps", def.throughputMbps()), sloField(s, "error_rate", def.errorRate()));
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

    static final class Tf implements Smokable<io.dwcp.agent.predict.DegradationInput,
            io.dwcp.agent.predict.DegradationVerdict> {
        private final DegradationForecaster m;

        Tf(DegradationForecaster m) {
            this.m = m;
        }

        @Override public String name() { return "bilstm-attention"; }
        @Override public String engine() { return m.engine(); }
        @Override public java.util.Optional<Scaler> inputScaler() { return java.util.Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<io.dwcp.agent.predict.DegradationVerdict> predictBatch(List<io.dwcp.agent.predict.DegradationInput> in) {
            float[][][] w = new float[in.size()][][];
            io.dwcp.models.data.DegradationSeries.Slo[] slo = new io.dwcp.models.data.DegradationSeries.Slo[in.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = in.get(i).window();
                slo[i] = in.get(i).slo();
            }
            DegradationForecaster.Forecast[] f = m.predict(w, slo);
            List<io.dwcp.agent.predict.DegradationVerdict> r = new ArrayList<>(f.length);
            for (int i = 0; i < f.length; i++) {
                DegradationForecaster.Forecast x = f[i];
                r.add(new io.dwcp.agent.predict.DegradationVerdict(slo[i], x.probability(), x.degrading(), m.threshold(),
                        x.latencyMs(), x.throughputMbps(), x.errorRate(), x.attention(),
                        io.dwcp.agent.predict.DegradationVerdict.confidence(x.probability(), m.threshold())));
            }
            return r;
        }

        @Override
        public void smoke() {
            ModelMetadata md = m.metadata();
            io.dwcp.models.data.DegradationSeries.Slo slo = new io.dwcp.models.data.DegradationSeries.Slo(200, 10, 0.02);
            io.dwcp.agent.predict.DegradationVerdict f = predictBatch(List.of(
                    new io.dwcp.agent.predict.DegradationInput(SmokeChecks.centreWindow(md.scaler(), md.window()), slo))).get(0);
            SmokeChecks.finite("degradation", f.probability());
            SmokeChecks.finite("degradation", f.latencyMs());
            SmokeChecks.finite("degradation", f.throughputMbps());
            SmokeChecks.finite("degradation", f.errorRate());
            if (f.attention().length != md.window() || f.latencyMs().length != m.horizon()) {
                throw new IllegalStateException("degradation: smoke inference gave " + f.attention().length
                        + " attention weights and " + f.latencyMs().length + " horizon steps");
            }
        }

        @Override public void close() { m.close(); }
    }
}

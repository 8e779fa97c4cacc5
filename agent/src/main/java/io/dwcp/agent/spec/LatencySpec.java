package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.BaselineLatencyDetector;
import io.dwcp.agent.predict.LatencyVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.predict.RobustZScoreDetector;
import io.dwcp.agent.predict.Severity;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.LatencyResult;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.LatencyDetector;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The consensus-latency detector: per node, the last {@code dwcp.windows.latency-length} consensus samples
 * judged by the LSTM autoencoder; streamed as {@code latency_anomaly} only when anomalous, answered to
 * {@code DetectHighLatency}.
 */
public final class LatencySpec implements ModelSpec<float[][], LatencyVerdict> {
    public static final String NAME = "latency";
    public static final String METHOD = "DetectHighLatency";
    /** The keys a request's {@code params} may have. */
    static final Set<String> PARAMS = Set.of("node_id", "window");

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.CONSENSUS; }
    @Override public FeatureSchema schema() { return Schemas.LATENCY; }
    @Override public int windowLength(AgentConfig c) { return c.windows().latencyLength(); }
    @Override public String windowLengthKey() { return "dwcp.windows.latency-length"; }
    @Override public String windowStoreName() { return "consensus"; }
    @Override public Set<String> methods() { return Set.of(METHOD); }
    @Override public Set<String> eventTypes() { return Set.of(LatencyResult.TYPE); }
    @Override public float[] features(MetricRecord r) { return SmokeChecks.floats(r.values()); }

    @Override
    public List<Provider<float[][], LatencyVerdict>> providers() {
        // Our C network on the artifact's weights file before TensorFlow (a GPU backend puts TensorFlow first).
        return List.of(new Provider<>() {
            @Override public String name() { return "native-cpu"; }
            @Override public Engine engine() { return Engine.NATIVE; }

            @Override
            public Smokable<float[][], LatencyVerdict> create(ModelArtifact a, Environment env) throws Exception {
                return new Tf(LatencyDetector.onNativeKernels(a));
            }
        }, new Provider<>() {
            @Override public String name() { return "tensorflow"; }
            @Override public Engine engine() { return Engine.TENSORFLOW; }

            @Override
            public Smokable<float[][], LatencyVerdict> create(ModelArtifact a, Environment env) {
                return env.tensorflow(env.onGpu(), () -> new Tf(new LatencyDetector(a)));
            }
        });
    }

    @Override
    public Predictor<float[][], LatencyVerdict> baseline() {
        return new BaselineLatencyDetector(new RobustZScoreDetector(5.0, ReliabilitySpec.BASELINE_MIN_HISTORY));
    }

    @Override
    public Serving<float[][], LatencyVerdict> serving(Context ctx) {
        return new Serving<>() {
            @Override
            public float[][] streamInput(MetricRecord r, float[] features, RingWindow w) {
                return w.full() ? w.snapshot() : null;
            }

            @Override
            public RequestInput<float[][]> decode(String method, JsonNode p, Windows windows) {
                Params.only(p, PARAMS, "params");
                return new RequestInput<>(RequestParams.window(p, windows, Measurement.CONSENSUS, Schemas.LATENCY.size(), true),
                        RequestParams.who(p, Measurement.CONSENSUS, windows));
            }

            @Override
            public Event event(MetricRecord r, float[][] input,
                    LatencyVerdict v, Predictor<float[][], LatencyVerdict> m) {
                Map<String, Double> c = new LinkedHashMap<>();
                List<String> names = Schemas.LATENCY.features();
                for (int i = 0; i < names.size(); i++) {
                    c.put(names.get(i), v.contributions()[i]);
                }
                return new LatencyResult(RequestParams.nodeId(r), v.anomaly(), v.error(), v.threshold(),
                        v.severity().label(), v.confidence(), c, m.name() + "/" + m.version(),
                        r == null ? Instant.now().toString() : RequestParams.sampleTime(r));
            }

            @Override
            public boolean publish(MetricRecord r, LatencyVerdict v, Event e) {
                return v.anomaly();
            }
        };
    }

    static final class Tf implements Smokable<float[][], LatencyVerdict> {
        private final LatencyDetector m;

        Tf(LatencyDetector m) {
            this.m = m;
        }

        @Override public String name() { return "lstm-autoencoder"; }
        @Override public String engine() { return m.engine(); }
        @Override public java.util.Optional<Scaler> inputScaler() { return java.util.Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<LatencyVerdict> predictBatch(List<float[][]> in) {
            LatencyDetector.Detection[] d = m.detect(in.toArray(new float[0][][]));
            List<LatencyVerdict> r = new ArrayList<>(d.length);
            for (LatencyDetector.Detection x : d) {
                double[] c = x.featureContributions().clone();
                double sum = 0;
                for (double v : c) {
                    sum += v;
                }
                for (int j = 0; j < c.length; j++) {
                    c[j] = sum > 0 ? c[j] / sum : 0;
                }
                double ratio = x.error() / x.threshold();
                Severity sev = Severity.valueOf(x.severity().name());
                double conf = sev == Severity.NONE ? 1 - ratio / (ratio + 1) : ratio / (ratio + 1);
                r.add(new LatencyVerdict(x.anomaly(), x.error(), x.threshold(), sev, conf, c));
            }
            return r;
        }

        @Override
        public void smoke() {
            ModelMetadata md = m.metadata();
            LatencyVerdict v = predictBatch(List.<float[][]>of(SmokeChecks.centreWindow(md.scaler(), md.window()))).get(0);
            SmokeChecks.finite("latency", v.error(), v.threshold());
            if (v.contributions().length != Schemas.LATENCY.size()) {
                throw new IllegalStateException("latency: " + v.contributions().length + " contributions, schema has "
                        + Schemas.LATENCY.size());
            }
        }

        @Override public void close() { m.close(); }
    }

}

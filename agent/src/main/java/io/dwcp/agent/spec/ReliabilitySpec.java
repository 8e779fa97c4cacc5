package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.AnomalyVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.predict.RobustZScoreDetector;
import io.dwcp.agent.predict.Severity;
import io.dwcp.agent.protocol.Anomaly;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.protocol.RequestError;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ReliabilityDetector;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node-reliability detector: per node, the last {@link #HISTORY} {@code dwcp_node} samples kept; the
 * newest judged once the node has more than {@link #BASELINE_MIN_HISTORY}; streamed as {@code anomaly}
 * only when anomalous, and answered to {@code DetectAnomaly}.
 */
public final class ReliabilitySpec implements ModelSpec<float[][], AnomalyVerdict> {
    public static final String NAME = "reliability";
    public static final String METHOD = "DetectAnomaly";
    /** The keys a request's {@code params} may have. */
    static final Set<String> PARAMS = Set.of("node_id", "features", "window");
    /** Rows of per-node reliability history the detectors judge against. */
    public static final int HISTORY = 30;
    /** History rows the robust z-score wants before it judges a node. */
    public static final int BASELINE_MIN_HISTORY = 8;

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.RELIABILITY; }
    @Override public FeatureSchema schema() { return Schemas.RELIABILITY; }
    @Override public int windowLength(AgentConfig c) { return HISTORY; }
    @Override public String windowStoreName() { return "node"; }
    @Override public Set<String> methods() { return Set.of(METHOD); }
    @Override public Set<String> eventTypes() { return Set.of(Anomaly.TYPE); }
    @Override public float[] features(MetricRecord r) { return SmokeChecks.floats(r.values()); }

    @Override
    public List<Provider<float[][], AnomalyVerdict>> providers() {
        return List.of(new Provider<>() {
            @Override public String name() { return "native-forest"; }
            @Override public Engine engine() { return Engine.NATIVE; }
            @Override public Smokable<float[][], AnomalyVerdict> create(ModelArtifact a, Environment env) { return Forest.load(a); }
        });
    }

    @Override
    public Predictor<float[][], AnomalyVerdict> baseline() {
        // The verdict is the worst of 9 features, so the per-feature textbook cut-off of 3.5 would fire on
        // noise several times an hour; 5.0 keeps the max-of-many honest.
        return new RobustZScoreDetector(5.0, BASELINE_MIN_HISTORY);
    }

    @Override
    public Serving<float[][], AnomalyVerdict> serving(Context ctx) {
        return new Serving<>() {
            @Override
            public float[][] streamInput(MetricRecord r, float[] features, RingWindow w) {
                return w.size() > BASELINE_MIN_HISTORY ? w.snapshot() : null;
            }

            @Override
            public RequestInput<float[][]> decode(String method, JsonNode p, Windows windows) {
                Params.only(p, PARAMS, "params");
                return new RequestInput<>(input(p, windows), RequestParams.who(p, Measurement.RELIABILITY, windows));
            }

            @Override
            public Event event(MetricRecord r, float[][] input,
                    AnomalyVerdict v, Predictor<float[][], AnomalyVerdict> m) {
                return new Anomaly(RequestParams.nodeId(r), Schemas.RELIABILITY.features().get(v.feature()), v.value(),
                        v.expected(), v.deviation(), v.severity().label(), v.confidence(), v.score(), v.anomaly(),
                        m.name(), m.version(), r == null ? Instant.now().toString() : RequestParams.sampleTime(r));
            }

            @Override
            public boolean publish(MetricRecord r, AnomalyVerdict v, Event e) {
                return v.anomaly();
            }
        };
    }

    /** {@code params.window}, or the node's history plus {@code params.features}, or the features alone. */
    static float[][] input(JsonNode p, Windows nodes) {
        int f = Schemas.RELIABILITY.size();
        JsonNode w = p.get("window");
        if (w != null) {
            RequestParams.notBoth(p, "params.node_id / params.features", "node_id", "features");
            return RequestParams.window(p, nodes, Measurement.RELIABILITY, f, false);
        }
        JsonNode features = p.get("features");
        if (p.hasNonNull("node_id")) {
            RingWindow rw = nodes.get(p.get("node_id").asText());
            float[][] hist = rw == null ? new float[0][] : rw.snapshot();
            if (features == null) {
                if (hist.length == 0) {
                    throw new RequestError(RequestError.UNKNOWN_NODE, "no history for node "
                            + p.get("node_id").asText() + " (no samples of it yet, or evicted; pass params.features)");
                }
                return hist;
            }
            float[][] out = Arrays.copyOf(hist, hist.length + 1);
            out[hist.length] = Params.row(features, f, "params.features");
            return out;
        }
        if (features != null) {
            return new float[][] {Params.row(features, f, "params.features")};
        }
        throw new IllegalArgumentException("DetectAnomaly needs params.features, params.node_id or params.window");
    }

    /**
     * The Isolation Forest on the native kernels (CUDA > C > Java, chosen and fallen back by jni's
     * {@code ForestScorer.create}), through the models' {@link ReliabilityDetector}: it judges the newest row of
     * a node's window; the metric reported is the one furthest from its training median in scaled units.
     */
    static final class Forest implements Smokable<float[][], AnomalyVerdict> {
        private final ReliabilityDetector d;

        private Forest(ReliabilityDetector d) {
            this.d = d;
        }

        static Forest load(ModelArtifact a) {
            try {
                return new Forest(new ReliabilityDetector(a));
            } catch (IOException e) {
                throw new IllegalStateException("reliability: " + e.getMessage(), e);
            }
        }

        @Override public String name() { return "isolation-forest-" + d.implementation().id(); }
        @Override public Optional<Scaler> inputScaler() { return Optional.of(d.scaler()); }
        @Override public String version() { return d.metadata().version(); }

        @Override
        public List<AnomalyVerdict> predictBatch(List<float[][]> in) {
            double[][] rows = new double[in.size()][];
            for (int i = 0; i < rows.length; i++) {
                float[][] w = in.get(i);
                float[] last = w[w.length - 1];
                rows[i] = new double[last.length];
                for (int j = 0; j < last.length; j++) {
                    rows[i][j] = last[j];
                }
            }
            ReliabilityDetector.Detection[] det = d.detect(rows);
            List<AnomalyVerdict> out = new ArrayList<>(det.length);
            for (ReliabilityDetector.Detection x : det) {
                out.add(new AnomalyVerdict(x.anomalous(), x.score(), x.feature(), x.value(), x.expected(), x.deviation(),
                        Severity.valueOf(x.severity().name()), x.confidence()));
            }
            return out;
        }

        @Override
        public void smoke() {
            List<AnomalyVerdict> v = predictBatch(List.<float[][]>of(new float[][] {SmokeChecks.centreRow(d.scaler())}));
            SmokeChecks.finite("reliability", v.get(0).score());
            if (v.get(0).score() < 0 || v.get(0).score() > 1) {
                throw new IllegalStateException("reliability: smoke score " + v.get(0).score() + " outside [0,1]");
            }
        }

        @Override public void close() { d.close(); }
    }
}

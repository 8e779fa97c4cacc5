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
import io.dwcp.jni.FlatForest;
import io.dwcp.jni.ForestScorer;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
            public Event event(MetricRecord r, AnomalyVerdict v, Predictor<float[][], AnomalyVerdict> m) {
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
     * The Isolation Forest on the native kernels. It judges the newest row of a node's window; the metric
     * reported is the one furthest from its training median in scaled (IQR) units, since a forest score has
     * no per-feature attribution of its own. Severity: warning from the threshold, critical and emergency at
     * one and two thirds of the way from the threshold to 1.
     */
    static final class Forest implements Smokable<float[][], AnomalyVerdict> {
        private final ModelMetadata md;
        private final ForestScorer scorer;
        private final Scaler scaler;
        private final double threshold;

        private Forest(ModelMetadata md, ForestScorer scorer) {
            this.md = md;
            this.scorer = scorer;
            this.scaler = md.scaler();
            this.threshold = md.threshold("anomaly");
        }

        static Forest load(ModelArtifact a) {
            FlatForest forest;
            try (InputStream in = Files.newInputStream(a.modelPath())) {
                forest = FlatForest.read(in);
            } catch (IOException e) {
                throw new IllegalStateException("reliability: " + e.getMessage(), e);
            }
            if (forest.nFeatures() != Schemas.RELIABILITY.size()) {
                throw new IllegalStateException("reliability: forest has " + forest.nFeatures() + " features, schema has "
                        + Schemas.RELIABILITY.size());
            }
            return new Forest(a.metadata(), scorer(forest));
        }

        /** The selected kernel (CUDA > C > Java); if it cannot take the forest (e.g. GPU memory), the next one. */
        static ForestScorer scorer(FlatForest forest) {
            RuntimeException last = null;
            java.util.List<io.dwcp.jni.Implementation> order = new java.util.ArrayList<>();
            order.add(io.dwcp.jni.Kernels.selected());
            for (io.dwcp.jni.Implementation impl : java.util.List.of(io.dwcp.jni.Implementation.C, io.dwcp.jni.Implementation.JAVA)) {
                if (!order.contains(impl) && io.dwcp.jni.Kernels.isAvailable(impl)) {
                    order.add(impl);
                }
            }
            for (io.dwcp.jni.Implementation impl : order) {
                try {
                    return ForestScorer.create(forest, impl);
                } catch (io.dwcp.jni.KernelException | UnsatisfiedLinkError e) {
                    last = new IllegalStateException("forest scorer " + impl.id() + ": " + e.getMessage(), e);
                }
            }
            throw last;
        }

        @Override public String name() { return "isolation-forest-" + scorer.implementation().id(); }
        @Override public java.util.Optional<Scaler> inputScaler() { return java.util.Optional.of(scaler); }
        @Override public String version() { return md.version(); }

        @Override
        public List<AnomalyVerdict> predictBatch(List<float[][]> in) {
            int f = Schemas.RELIABILITY.size();
            double[] rows = new double[in.size() * f];
            double[][] scaled = new double[in.size()][];
            for (int i = 0; i < in.size(); i++) {
                float[][] w = in.get(i);
                float[] last = w[w.length - 1];
                double[] raw = new double[f];
                for (int j = 0; j < f; j++) {
                    raw[j] = last[j];
                }
                scaled[i] = scaler.transform(raw);
                System.arraycopy(scaled[i], 0, rows, i * f, f);
            }
            double[] scores = new double[in.size()];
            scorer.score(rows, in.size(), scores);
            List<AnomalyVerdict> out = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
                int worst = 0;
                for (int j = 1; j < f; j++) {
                    if (Math.abs(scaled[i][j]) > Math.abs(scaled[i][worst])) {
                        worst = j;
                    }
                }
                float[][] w = in.get(i);
                double s = scores[i];
                double span = Math.max(1e-9, 1 - threshold);
                Severity sev = s < threshold ? Severity.NONE
                        : s < threshold + span / 3 ? Severity.WARNING
                        : s < threshold + 2 * span / 3 ? Severity.CRITICAL : Severity.EMERGENCY;
                double conf = Math.min(1, 0.5 + Math.abs(s - threshold) / (2 * Math.max(threshold, span)));
                out.add(new AnomalyVerdict(sev != Severity.NONE, s, worst, w[w.length - 1][worst],
                        scaler.inverse(worst, 0), scaled[i][worst], sev, conf));
            }
            return out;
        }

        @Override
        public void smoke() {
            List<AnomalyVerdict> v = predictBatch(List.<float[][]>of(new float[][] {SmokeChecks.centreRow(scaler)}));
            SmokeChecks.finite("reliability", v.get(0).score());
            if (v.get(0).score() < 0 || v.get(0).score() > 1) {
                throw new IllegalStateException("reliability: smoke score " + v.get(0).score() + " outside [0,1]");
            }
        }

        @Override public void close() { scorer.close(); }
    }

}

package io.dwcp.agent.inference;

import io.dwcp.agent.predict.AnomalyVerdict;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.agent.predict.LatencyVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.predict.Severity;
import io.dwcp.jni.FlatForest;
import io.dwcp.jni.ForestScorer;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.CompressionSelector;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.LatencyDetector;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained models seen through the agent's {@link Predictor} contract. Each can run a smoke inference
 * on inputs built from its own scaler (the training centre of every feature, so realistic values) and
 * checks outputs are finite and shaped right: a model that loads but computes garbage is refused.
 */
final class TfAdapters {
    private TfAdapters() {}

    /** A predictor that can check itself right after loading. */
    interface Smokable<I, O> extends Predictor<I, O> {
        void smoke();

        /** Which TensorFlow graph serves (fused LSTM or the SavedModel's own), for the start-up log; null = one graph. */
        default String engine() {
            return null;
        }
    }

    static float[] centreRow(Scaler s) {
        double[] raw = s.inverse(new double[s.size()]);
        float[] row = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            row[i] = (float) raw[i];
        }
        return row;
    }

    static float[][] centreWindow(Scaler s, int steps) {
        float[][] w = new float[steps][];
        for (int t = 0; t < steps; t++) {
            w[t] = centreRow(s);
        }
        return w;
    }

    static void finite(String model, double... v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                throw new IllegalStateException(model + ": smoke inference gave a non-finite output");
            }
        }
    }

    static final class Bandwidth implements Smokable<float[][], BandwidthForecast> {
        private final BandwidthForecaster m;

        Bandwidth(BandwidthForecaster m) {
            this.m = m;
        }

        @Override public String name() { return "lstm-forecaster"; }
        @Override public String engine() { return m.engine(); }
        @Override public java.util.Optional<Scaler> inputScaler() { return java.util.Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            float[][] out = m.predict(in.toArray(new float[0][][]));
            List<BandwidthForecast> r = new ArrayList<>(out.length);
            for (float[] o : out) {
                r.add(new BandwidthForecast(o[0], o[1], o[2], o[3], o[4]));
            }
            return r;
        }

        @Override
        public void smoke() {
            ModelMetadata md = m.metadata();
            List<BandwidthForecast> f = predictBatch(List.<float[][]>of(centreWindow(md.scaler(), md.window()),
                    centreWindow(md.scaler(), md.window())));
            if (f.size() != 2) {
                throw new IllegalStateException("bandwidth: smoke inference returned " + f.size() + " rows for 2");
            }
            for (BandwidthForecast x : f) {
                finite("bandwidth", x.bandwidthMbps(), x.latencyMs(), x.packetLoss(), x.jitterMs(), x.confidence());
            }
        }

        @Override public void close() { m.close(); }
    }

    static final class Compression implements Smokable<float[], CompressionDecision> {
        private final CompressionSelector m;

        Compression(CompressionSelector m) {
            this.m = m;
        }

        @Override public String name() { return "policy-net"; }
        @Override public java.util.Optional<Scaler> inputScaler() { return java.util.Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<CompressionDecision> predictBatch(List<float[]> in) {
            CompressionSelector.Choice[] c = m.select(in.toArray(new float[0][]));
            List<CompressionDecision> r = new ArrayList<>(c.length);
            for (CompressionSelector.Choice x : c) {
                r.add(new CompressionDecision(x.ordinal(), x.level(), x.expectedGainVsNone(), x.probability()));
            }
            return r;
        }

        @Override
        public void smoke() {
            List<CompressionDecision> d = predictBatch(List.of(centreRow(m.metadata().scaler())));
            if (d.size() != 1 || d.get(0).codec() < 0 || d.get(0).codec() >= Schemas.Codec.values().length) {
                throw new IllegalStateException("compression: smoke inference gave " + d);
            }
            finite("compression", d.get(0).expectedGain(), d.get(0).confidence());
        }

        @Override public void close() { m.close(); }
    }

    /**
     * The Isolation Forest on the native kernels. It judges the newest row of a node's window; the metric
     * reported is the one furthest from its training median in scaled (IQR) units, since a forest score has
     * no per-feature attribution of its own. Severity: warning from the threshold, critical and emergency at
     * one and two thirds of the way from the threshold to 1.
     */
    static final class Reliability implements Smokable<float[][], AnomalyVerdict> {
        private final ModelMetadata md;
        private final ForestScorer scorer;
        private final Scaler scaler;
        private final double threshold;

        private Reliability(ModelMetadata md, ForestScorer scorer) {
            this.md = md;
            this.scorer = scorer;
            this.scaler = md.scaler();
            this.threshold = md.threshold("anomaly");
        }

        static Reliability load(ModelArtifact a) {
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
            return new Reliability(a.metadata(), scorer(forest));
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
            List<AnomalyVerdict> v = predictBatch(List.<float[][]>of(new float[][] {centreRow(scaler)}));
            finite("reliability", v.get(0).score());
            if (v.get(0).score() < 0 || v.get(0).score() > 1) {
                throw new IllegalStateException("reliability: smoke score " + v.get(0).score() + " outside [0,1]");
            }
        }

        @Override public void close() { scorer.close(); }
    }

    static final class Latency implements Smokable<float[][], LatencyVerdict> {
        private final LatencyDetector m;

        Latency(LatencyDetector m) {
            this.m = m;
        }

        @Override public String name() { return "lstm-autoencoder"; }
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
            LatencyVerdict v = predictBatch(List.<float[][]>of(centreWindow(md.scaler(), md.window()))).get(0);
            finite("latency", v.error(), v.threshold());
            if (v.contributions().length != Schemas.LATENCY.size()) {
                throw new IllegalStateException("latency: " + v.contributions().length + " contributions, schema has "
                        + Schemas.LATENCY.size());
            }
        }

        @Override public void close() { m.close(); }
    }

    static final class Degradation implements Smokable<io.dwcp.agent.predict.DegradationInput,
            io.dwcp.agent.predict.DegradationVerdict> {
        private final DegradationForecaster m;

        Degradation(DegradationForecaster m) {
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
                    new io.dwcp.agent.predict.DegradationInput(centreWindow(md.scaler(), md.window()), slo))).get(0);
            finite("degradation", f.probability());
            finite("degradation", f.latencyMs());
            finite("degradation", f.throughputMbps());
            finite("degradation", f.errorRate());
            if (f.attention().length != md.window() || f.latencyMs().length != m.horizon()) {
                throw new IllegalStateException("degradation: smoke inference gave " + f.attention().length
                        + " attention weights and " + f.latencyMs().length + " horizon steps");
            }
        }

        @Override public void close() { m.close(); }
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.data.DegradationSeries.Slo;
import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.DegradationNet;

import java.io.IOException;
import java.util.List;

/**
 * Serves the degradation forecaster. Input: raw link windows {@code [batch][60][6]} in
 * {@link Schemas#BANDWIDTH} order (bandwidth_mbps, latency_ms, packet_loss, jitter_ms, time_of_day,
 * day_of_week), oldest step first, and the SLO to judge them against (one per window). Output per window:
 * the probability that the SLO is breached within the horizon (the network's, or the artifact's {@link
 * DegradationStack} over it and the window when the metadata names one), whether that is at or above the threshold
 * chosen on validation data, the forecast latency (ms), throughput (Mbit/s) and error rate for each of the
 * next {@code horizon} steps, and the attention weight of each input step (they sum to 1).
 *
 * <p>Thread-safe; batch-first. Holds a TensorFlow session: close it.
 */
public final class DegradationForecaster implements AutoCloseable {
    private final TfModel model; // null on the native kernels
    private final FusedDegradationGraph fused; // null: the SavedModel graph (or the native kernels) serves
    private final io.dwcp.jni.nets.Net net; // null on TensorFlow
    private final String engine;
    private final ModelMetadata metadata;
    private final double threshold;
    private final int horizon;
    private final DegradationFeatures.Clamp clamp;
    private final DegradationStack stack; // null: the network's probability is served

    /**
     * One window's forecast: {@code latencyMs[h]}, {@code throughputMbps[h]}, {@code errorRate[h]} for h = 1..horizon;
     * {@code probability} is the served one, {@code networkProbability} the network's alone (the same without a stack).
     */
    public record Forecast(double probability, boolean degrading, double[] latencyMs, double[] throughputMbps,
                           double[] errorRate, double[] attention, double networkProbability) {}

    /** Serves through the SavedModel's own graph, with the {@link TfModel#withConfig} session settings if any. */
    public DegradationForecaster(ModelArtifact artifact) {
        this(artifact, 0);
    }

    /** As {@link #DegradationForecaster(ModelArtifact)} with {@code intraOpThreads} TF threads (0 = the
     * {@link TfModel#withConfig} settings, else TensorFlow's defaults). */
    public DegradationForecaster(ModelArtifact artifact, int intraOpThreads) {
        this(artifact, TfModel.config(intraOpThreads), false);
    }

    /**
     * With {@code fused}, serves through {@link FusedDegradationGraph} (the same weights with one fused LSTM op
     * per direction), after proving on check inputs that it computes what the SavedModel computes; if the
     * rewrite cannot be built or differs, the SavedModel graph serves and {@link #engine()} says why.
     */
    public DegradationForecaster(ModelArtifact artifact, boolean fused) {
        this(artifact, TfModel.constructionConfig(), fused);
    }

    /**
     * The same forecaster with its network on our native kernels (issue 16): the artifact's weights file, checked
     * against its golden outputs at load; no TensorFlow session.
     */
    public static DegradationForecaster onNativeKernels(ModelArtifact artifact) throws IOException {
        return new DegradationForecaster(artifact, NativeNetFiles.load(artifact));
    }

    private DegradationForecaster(ModelArtifact artifact, io.dwcp.jni.nets.Net net) {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.DEGRADATION.model())) {
            net.close();
            throw new IllegalArgumentException("not a degradation model: " + metadata.name());
        }
        this.threshold = metadata.threshold("degradation");
        this.horizon = ((Number) metadata.params().get("horizon")).intValue();
        this.clamp = DegradationFeatures.Clamp.of(metadata.params());
        this.stack = DegradationStack.of(metadata.params());
        this.model = null;
        this.fused = null;
        this.net = net;
        this.engine = "native-" + net.implementation().id();
    }

    private DegradationForecaster(ModelArtifact artifact, org.tensorflow.proto.ConfigProto config, boolean fused) {
        this.net = null;
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.DEGRADATION.model())) {
            throw new IllegalArgumentException("not a degradation model: " + metadata.name());
        }
        this.threshold = metadata.threshold("degradation");
        this.horizon = ((Number) metadata.params().get("horizon")).intValue();
        this.clamp = DegradationFeatures.Clamp.of(metadata.params());
        this.stack = DegradationStack.of(metadata.params());
        this.model = new TfModel(artifact.modelPath(), config);
        FusedGraphs.Served<FusedDegradationGraph> served = FusedGraphs.serve(fused, () -> new FusedDegradationGraph(model, horizon, config),
                g -> g.verifiedAgainst(model));
        this.fused = served.graph();
        this.engine = served.engine();
    }

    /** Which graph serves: {@code savedmodel} or {@code fused-lstm ...}, with the reason a rewrite was refused. */
    public String engine() {
        return engine;
    }

    public static DegradationForecaster loadDefault() throws IOException {
        return new DegradationForecaster(ModelArtifact.loadDefault(Schemas.DEGRADATION.model()));
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public double threshold() {
        return threshold;
    }

    public int horizon() {
        return horizon;
    }

    /** The headroom range the model was trained on; inputs are clamped to it. */
    public DegradationFeatures.Clamp clamp() {
        return clamp;
    }

    /** The stack over the network's probability that the artifact names, or null when the network's is served. */
    public DegradationStack stack() {
        return stack;
    }

    public Forecast[] predict(float[][][] windows, Slo slo) {
        Slo[] s = new Slo[windows.length];
        java.util.Arrays.fill(s, slo);
        return predict(windows, s);
    }

    public Forecast[] predict(float[][][] windows, Slo[] slos) {
        int b = windows.length, w = DegradationNet.WINDOW, f = DegradationFeatures.FEATURES, k = DegradationFeatures.TARGETS;
        if (slos.length != b) throw new IllegalArgumentException(b + " windows but " + slos.length + " SLOs");
        float[] x = new float[b * w * f];
        for (int i = 0; i < b; i++) {
            if (windows[i].length != w) {
                throw new IllegalArgumentException("window " + i + " has " + windows[i].length + " steps, expected " + w);
            }
            for (float[] row : windows[i]) {
                if (row.length != Schemas.BANDWIDTH.size()) {
                    throw new IllegalArgumentException("window " + i + " has rows of " + row.length + " values, expected "
                            + Schemas.BANDWIDTH.size());
                }
            }
            DegradationFeatures.transformWindow(windows[i], slos[i].latencyMs(), slos[i].throughputMbps(),
                    slos[i].errorRate(), x, i * w * f, clamp);
        }
        float[] y, p, a;
        if (net != null) {
            y = new float[b * horizon * k];
            p = new float[b];
            a = new float[b * w];
            net.forward(x, b, y, p, a);
        } else if (fused != null) {
            FusedDegradationGraph.Outputs out = fused.run(x, b);
            y = out.y();
            p = out.prob();
            a = out.attention();
        } else {
            List<float[]> out = model.run(List.of(new TfModel.Input("x", x, new long[] {b, w, f})),
                    List.of("y", "prob", "attention"));
            y = out.get(0);
            p = out.get(1);
            a = out.get(2);
        }
        Forecast[] r = new Forecast[b];
        for (int i = 0; i < b; i++) {
            double[][] raw = new double[k][horizon];
            for (int h = 0; h < horizon; h++) {
                for (int j = 0; j < k; j++) {
                    raw[j][h] = DegradationFeatures.toRaw(j, y[(i * horizon + h) * k + j], slos[i].latencyMs(),
                            slos[i].throughputMbps(), slos[i].errorRate());
                }
            }
            double[] att = new double[w];
            for (int t = 0; t < w; t++) att[t] = a[i * w + t];
            double prob = stack == null ? p[i] : stack.probability(x, i * w * f, w, p[i]);
            r[i] = new Forecast(prob, prob >= threshold, raw[0], raw[1], raw[2], att, p[i]);
        }
        return r;
    }

    TfModel tfModel() {
        return model;
    }

    /** The fused graph serving, or null when the SavedModel's own graph serves. */
    FusedDegradationGraph fusedGraph() {
        return fused;
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
        if (model != null) {
            model.close();
        }
        if (net != null) {
            net.close();
        }
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;

import java.io.IOException;
import java.util.List;

/**
 * Serves the consensus-latency autoencoder. Input: raw windows {@code [batch][30][12]} in
 * {@link Schemas#LATENCY} order, oldest first. For each window: the reconstruction error (mean over features
 * of the per-feature mean squared error in robust-scaled space, each divided by that feature's mean error
 * on normal validation windows, {@code params.error_scale}: so a feature that is always noisy, like p99,
 * does not drown a clean feature that breaks), the anomaly threshold chosen on validation data, the severity (NONE
 * below the threshold, WARNING from it, CRITICAL from 2×, EMERGENCY from 5×), the per-feature error
 * contributions (normalised mean squared error per feature, summing to 12 × the error) and the encoder's attention
 * weights per step.
 *
 * <p>Also serves the univariate mode (metadata name {@code latency} with a single feature
 * {@code value}) when built from such an artifact. Thread-safe; batch-first. Holds a TensorFlow session.
 */
public final class LatencyDetector implements AutoCloseable {
    public enum Severity { NONE, WARNING, CRITICAL, EMERGENCY }

    /** Result for one window. */
    public record Detection(double error, double threshold, Severity severity, double[] featureContributions,
                            float[] attention) {
        public boolean anomaly() {
            return severity != Severity.NONE;
        }
    }

    private final TfModel model; // null on the native kernels
    private final io.dwcp.jni.nets.Net net; // null on TensorFlow
    private final Scaler scaler;
    private final double threshold;
    private final int window, features;
    private final double[] errorScale;
    private final ModelMetadata metadata;

    public LatencyDetector(ModelArtifact artifact) {
        this(artifact, 0);
    }

    /** As {@link #LatencyDetector(ModelArtifact)} with {@code intraOpThreads} TF threads (0 = TF default). */
    public LatencyDetector(ModelArtifact artifact, int intraOpThreads) {
        this(artifact.metadata(), new TfModel(artifact.modelPath(), intraOpThreads));
    }

    LatencyDetector(ModelMetadata md, TfModel model) {
        this(md, model, null);
    }

    private LatencyDetector(ModelMetadata md, TfModel model, io.dwcp.jni.nets.Net net) {
        this.net = net;
        this.metadata = md;
        this.scaler = md.scaler();
        this.threshold = md.threshold("anomaly");
        this.window = md.window();
        this.features = md.features().size();
        this.errorScale = errorScale(md, features);
        this.model = model;
    }

    /**
     * The same detector with its network on our native kernels (issue 16): the artifact's weights file, checked
     * against its golden outputs at load; no TensorFlow session.
     */
    public static LatencyDetector onNativeKernels(ModelArtifact artifact) throws IOException {
        return new LatencyDetector(artifact.metadata(), null, NativeNetFiles.load(artifact));
    }

    /** What runs the network: {@code tensorflow} or {@code native-c} / {@code native-java}. */
    public String engine() {
        return net == null ? "tensorflow" : "native-" + net.implementation().id();
    }

    public static LatencyDetector loadDefault() throws IOException {
        return new LatencyDetector(ModelArtifact.loadDefault(Schemas.LATENCY.model()));
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public double threshold() {
        return threshold;
    }

    /** Per-feature error normalisers from {@code params.error_scale}, or all 1 when absent. */
    static double[] errorScale(ModelMetadata md, int features) {
        double[] out = new double[features];
        java.util.Arrays.fill(out, 1.0);
        Object v = md.params() == null ? null : md.params().get("error_scale");
        if (v instanceof List<?> l) {
            if (l.size() != features) throw new IllegalArgumentException("error_scale has " + l.size() + " entries, expected " + features);
            for (int i = 0; i < features; i++) out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    public static Severity severity(double error, double threshold) {
        if (error >= 5 * threshold) return Severity.EMERGENCY;
        if (error >= 2 * threshold) return Severity.CRITICAL;
        if (error >= threshold) return Severity.WARNING;
        return Severity.NONE;
    }

    public Detection[] detect(float[][][] windows) {
        int b = windows.length;
        float[] x = new float[b * window * features];
        for (int i = 0; i < b; i++) {
            if (windows[i].length != window) {
                throw new IllegalArgumentException("window " + i + " has " + windows[i].length + " steps, expected " + window);
            }
            scaler.transformInto(windows[i], x, i * window * features);
        }
        float[] rec, att;
        if (net != null) {
            rec = new float[b * window * features];
            att = new float[b * window];
            net.forward(x, b, rec, att);
        } else {
            List<float[]> out = model.run(List.of(new TfModel.Input("x", x, new long[] {b, window, features})),
                    List.of("recon", "attention"));
            rec = out.get(0);
            att = out.get(1);
        }
        Detection[] res = new Detection[b];
        for (int i = 0; i < b; i++) {
            double[] contrib = new double[features];
            double total = 0;
            for (int t = 0; t < window; t++) {
                for (int f = 0; f < features; f++) {
                    int k = (i * window + t) * features + f;
                    double d = x[k] - rec[k];
                    contrib[f] += d * d / window / errorScale[f];
                }
            }
            for (double c : contrib) total += c;
            double err = total / features;
            float[] a = new float[window];
            System.arraycopy(att, i * window, a, 0, window);
            res[i] = new Detection(err, threshold, severity(err, threshold), contrib, a);
        }
        return res;
    }

    /** Reconstruction errors only. */
    public double[] errors(float[][][] windows) {
        Detection[] d = detect(windows);
        double[] e = new double[d.length];
        for (int i = 0; i < d.length; i++) e[i] = d[i].error();
        return e;
    }

    TfModel tfModel() {
        return model;
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
        if (net != null) {
            net.close();
        }
    }
}

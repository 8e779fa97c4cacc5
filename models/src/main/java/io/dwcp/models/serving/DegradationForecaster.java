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
 * the probability that the SLO is breached within the horizon, whether that is at or above the threshold
 * chosen on validation data, the forecast latency (ms), throughput (Mbit/s) and error rate for each of the
 * next {@code horizon} steps, and the attention weight of each input step (they sum to 1).
 *
 * <p>Thread-safe; batch-first. Holds a TensorFlow session: close it.
 */
public final class DegradationForecaster implements AutoCloseable {
    private final TfModel model;
    private final ModelMetadata metadata;
    private final double threshold;
    private final int horizon;

    /** One window's forecast: {@code latencyMs[h]}, {@code throughputMbps[h]}, {@code errorRate[h]} for h = 1..horizon. */
    public record Forecast(double probability, boolean degrading, double[] latencyMs, double[] throughputMbps,
                           double[] errorRate, double[] attention) {}

    public DegradationForecaster(ModelArtifact artifact) {
        this(artifact, 0);
    }

    public DegradationForecaster(ModelArtifact artifact, int intraOpThreads) {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.DEGRADATION.model())) {
            throw new IllegalArgumentException("not a degradation model: " + metadata.name());
        }
        this.threshold = metadata.threshold("degradation");
        this.horizon = ((Number) metadata.params().get("horizon")).intValue();
        this.model = new TfModel(artifact.modelPath(), intraOpThreads);
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
                    slos[i].errorRate(), x, i * w * f);
        }
        List<float[]> out = model.run(List.of(new TfModel.Input("x", x, new long[] {b, w, f})),
                List.of("y", "prob", "attention"));
        float[] y = out.get(0), p = out.get(1), a = out.get(2);
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
            r[i] = new Forecast(p[i], p[i] >= threshold, raw[0], raw[1], raw[2], att);
        }
        return r;
    }

    TfModel tfModel() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}

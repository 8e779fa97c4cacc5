package io.dwcp.models.serving;

import io.dwcp.models.features.LinkFeatures;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.serving.arbitration.ResidualPrior;

/**
 * The bandwidth forecaster's input and output transforms around its network, shared by every engine that runs
 * the network ({@link BandwidthForecaster} on TensorFlow, {@link NativeBandwidthForecaster} on our C kernels),
 * so both compute exactly the same thing from the same raw windows. Free of TensorFlow. Immutable, thread-safe.
 */
final class ForecasterCodec {
    private final Scaler scaler;
    private final double confA, confB;
    private final int featureVersion;
    private final double priorConfidence;
    private final LinkFeatures.Variant variant;

    ForecasterCodec(ModelMetadata metadata) {
        this.scaler = metadata.scaler();
        this.confA = ((Number) metadata.params().getOrDefault("confidence_a", 0.0)).doubleValue();
        this.confB = ((Number) metadata.params().getOrDefault("confidence_b", 0.0)).doubleValue();
        this.featureVersion = ((Number) metadata.params().getOrDefault("feature_version", 1)).intValue();
        this.variant = LinkFeatures.Variant.parse(String.valueOf(metadata.params().getOrDefault("feature_variant", "")));
        this.priorConfidence = featureVersion >= 2 ? ResidualPrior.fromParams(metadata.params()).confidence(0.8) : Double.NaN;
    }

    int featureVersion() {
        return featureVersion;
    }

    static double[] stepsFromTimeOfDay(float[][][] windows) {
        double[] dt = new double[windows.length];
        for (int i = 0; i < windows.length; i++) {
            dt[i] = LinkFeatures.stepSecondsFromTimeOfDay(windows[i]);
        }
        return dt;
    }

    static double[] steps(float[][][] windows, long[][] timestampsMillis) {
        if (timestampsMillis.length != windows.length) {
            throw new IllegalArgumentException(timestampsMillis.length + " timestamp rows for " + windows.length + " windows");
        }
        double[] dt = new double[windows.length];
        for (int i = 0; i < windows.length; i++) {
            dt[i] = LinkFeatures.stepSeconds(timestampsMillis[i]);
        }
        return dt;
    }

    /** The network's input {@code [batch × window × features]} for raw windows. */
    float[] encode(float[][][] windows, double[] stepSeconds) {
        int b = windows.length;
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES;
        float[] x = new float[b * w * f];
        for (int i = 0; i < b; i++) {
            if (windows[i].length != w) {
                throw new IllegalArgumentException("window " + i + " has " + windows[i].length + " steps, expected " + w);
            }
            if (featureVersion >= 2) {
                LinkFeatures.modelInput(windows[i], stepSeconds[i], variant, x, i * w * f);
            } else {
                scaler.transformInto(windows[i], x, i * w * f);
            }
        }
        return x;
    }

    /** {@code [batch][5]} raw forecasts (bandwidth, latency, loss, jitter, confidence) from the network's output. */
    float[][] decode(float[][][] windows, float[] y) {
        int b = windows.length;
        float[][] out = new float[b][BandwidthForecaster.OUTPUTS];
        for (int i = 0; i < b; i++) {
            if (featureVersion >= 2) {
                double[] raw = LinkFeatures.inverse(windows[i], y, i * ForecasterNet.TARGETS, variant);
                for (int j = 0; j < ForecasterNet.TARGETS; j++) out[i][j] = (float) raw[j];
                out[i][4] = (float) priorConfidence;
            } else {
                for (int j = 0; j < ForecasterNet.TARGETS; j++) {
                    out[i][j] = (float) Math.max(0, scaler.inverse(j, y[i * ForecasterNet.TARGETS + j]));
                }
                out[i][4] = (float) confidence(windows[i]);
            }
        }
        return out;
    }

    double confidence(float[][] window) {
        return BandwidthForecaster.confidence(BandwidthForecaster.cv(window), confA, confB);
    }
}

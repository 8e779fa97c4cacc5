package io.dwcp.agent.pipeline;

import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * Input drift against the training data, per model and feature: the rolling mean (EWMA, ~ the last 1,000
 * inputs) of each live feature in the model's own scaled units, i.e. its distance from the training centre
 * (median or mean) in training spreads (IQR or standard deviation), both stored in the model's
 * metadata.json. Around 0 means live data looks like training data; a value that stays beyond ~1–2 means
 * the model now sees inputs unlike those it learned from. Exported as {@code dwcp_feature_drift{model,feature}};
 * NaN while the model has no stored scaler (the baselines).
 *
 * <p>{@link #observe} is called by the pipeline worker only; gauges read volatile-free doubles, which is
 * fine for a monitoring value. A reload that changes the scaler restarts the averages.
 */
public final class DriftMonitor {
    static final double ALPHA = 0.001;

    private final Supplier<Scaler> scaler;
    private final double[] mean;
    private Scaler seen;
    private boolean started;

    public DriftMonitor(String model, FeatureSchema schema, Supplier<Scaler> scaler, MeterRegistry registry) {
        this.scaler = scaler;
        this.mean = new double[schema.size()];
        for (int j = 0; j < schema.size(); j++) {
            int f = j;
            Gauge.builder("dwcp.feature.drift", this, d -> d.value(f)).tag("model", model)
                    .tag("feature", schema.features().get(j))
                    .description("rolling mean of the live feature in training-scaled units (0 = training centre)")
                    .register(registry);
        }
    }

    private double value(int f) {
        return started && seen != null ? mean[f] : Double.NaN;
    }

    /** One raw input vector in schema order. */
    public void observe(float[] raw) {
        Scaler s = scaler.get();
        if (s == null || s.size() != mean.length) {
            seen = null;
            started = false;
            return;
        }
        if (s != seen) {
            seen = s;
            started = false;
        }
        for (int j = 0; j < mean.length; j++) {
            double z = s.transform(j, raw[j]);
            mean[j] = started ? mean[j] + ALPHA * (z - mean[j]) : z;
        }
        started = true;
    }
}

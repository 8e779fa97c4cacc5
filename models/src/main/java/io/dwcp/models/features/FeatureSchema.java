package io.dwcp.models.features;

import java.util.List;
import java.util.Objects;

/**
 * The ordered input features of one model. This is the single definition shared by training and by
 * the agent: the seed project broke because training used 40 features and Go sent 6, so nothing
 * outside this class decides what a model reads or in which order.
 *
 * <p>Immutable and thread-safe.
 */
public record FeatureSchema(String model, List<String> features, int window) {

    public FeatureSchema {
        Objects.requireNonNull(model, "model");
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("schema " + model + " has no features");
        }
        if (window < 1) {
            throw new IllegalArgumentException("schema " + model + ": window must be >= 1, got " + window);
        }
    }

    public int size() {
        return features.size();
    }

    public int indexOf(String feature) {
        int i = features.indexOf(feature);
        if (i < 0) {
            throw new IllegalArgumentException("schema " + model + " has no feature '" + feature + "'");
        }
        return i;
    }
}

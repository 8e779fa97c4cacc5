package io.dwcp.models.serving;

import io.dwcp.jni.FlatForest;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.forest.ForestScorer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Serves the node-reliability Isolation Forest with the pure-Java reference scorer. Input: raw rows
 * {@code [batch][9]} in {@link Schemas#RELIABILITY} order; the scaler from metadata is applied here.
 * Output: anomaly scores in (0, 1]; a row is anomalous when its score is at least the validation-chosen
 * threshold ({@link #threshold()}). The agent may instead hand {@link #forest()} and the scaled rows to a
 * native kernel: same format, same scores.
 *
 * <p>Immutable and thread-safe; {@link #close} is a no-op kept for symmetry with the TF models.
 */
public final class ReliabilityDetector implements AutoCloseable {
    private final FlatForest forest;
    private final ForestScorer scorer;
    private final Scaler scaler;
    private final double threshold;
    private final ModelMetadata metadata;

    public ReliabilityDetector(ModelArtifact artifact) throws IOException {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.RELIABILITY.model())) {
            throw new IllegalArgumentException("not a reliability model: " + metadata.name());
        }
        try (InputStream in = Files.newInputStream(artifact.modelPath())) {
            this.forest = FlatForest.read(in);
        }
        if (forest.nFeatures() != Schemas.RELIABILITY.size()) {
            throw new IOException("forest has " + forest.nFeatures() + " features, schema " + Schemas.RELIABILITY.size());
        }
        this.scorer = new ForestScorer(forest);
        this.scaler = metadata.scaler();
        this.threshold = metadata.threshold("anomaly");
    }

    public static ReliabilityDetector loadDefault() throws IOException {
        return new ReliabilityDetector(ModelArtifact.loadDefault(Schemas.RELIABILITY.model()));
    }

    public FlatForest forest() {
        return forest;
    }

    public Scaler scaler() {
        return scaler;
    }

    public double threshold() {
        return threshold;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Anomaly scores of raw rows. */
    public double[] score(double[][] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = scorer.score(scaler.transform(x[i]));
        return out;
    }

    /** score >= threshold. */
    public boolean[] anomalous(double[][] x) {
        double[] s = score(x);
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i] >= threshold;
        return out;
    }

    @Override
    public void close() {}
}

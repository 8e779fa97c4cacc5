package io.dwcp.models.serving;

import io.dwcp.jni.FlatForest;
import io.dwcp.jni.ForestScorer;
import io.dwcp.jni.Implementation;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Objects;

/**
 * Serves the node-reliability Isolation Forest on the native kernels (jni's {@link ForestScorer}: CUDA &gt;
 * C &gt; Java, see {@code io.dwcp.jni.Kernels}). Input: raw rows {@code [batch][9]} in
 * {@link Schemas#RELIABILITY} order; the scaler from metadata is applied here. Output: anomaly scores in
 * (0, 1], equal to the scores training computed with jni's reference walk (bit for bit on C and Java, within
 * 1e-6 relative on CUDA); a row is anomalous when its score is at least the validation-chosen threshold
 * ({@link #threshold()}).
 *
 * <p>{@link #detect} adds what the agent reports with a verdict: since a forest score has no per-feature
 * attribution of its own, the feature reported is the one furthest from its training median in scaled
 * units, with its raw value, its expected (training-median) value and that scaled deviation; and a
 * severity from fixed {@linkplain #cutoffs() cut-offs} above the threshold.
 *
 * <p>Errors: a row with a NaN is an {@link IllegalArgumentException} naming row and column (nothing is
 * scored from that batch); a row of the wrong width is an {@link IllegalArgumentException}; calls after
 * {@link #close()} are an {@link IllegalStateException}.
 *
 * <p>Thread-safe: batches may be scored from several threads at once (CUDA ones take turns).
 * {@link #close()} waits for running calls and frees the kernel's native (host or GPU) memory.
 */
public final class ReliabilityDetector implements AutoCloseable {
    /** NONE below the threshold, then WARNING, CRITICAL, EMERGENCY at the {@linkplain #cutoffs() cut-offs}. */
    public enum Severity { NONE, WARNING, CRITICAL, EMERGENCY }

    /**
     * Score cut-offs: warning at the validation threshold, critical and emergency one and two thirds of the
     * way from the threshold to 1.
     */
    public record Cutoffs(double warning, double critical, double emergency) {
        static Cutoffs of(double threshold) {
            double span = span(threshold);
            return new Cutoffs(threshold, threshold + span / 3, threshold + 2 * span / 3);
        }

        public Severity severity(double score) {
            return score < warning ? Severity.NONE
                    : score < critical ? Severity.WARNING
                    : score < emergency ? Severity.CRITICAL : Severity.EMERGENCY;
        }
    }

    /**
     * One row's verdict.
     *
     * @param anomalous  {@code score >= threshold}, i.e. severity is not NONE
     * @param score      anomaly score in (0, 1]
     * @param feature    index (in {@link Schemas#RELIABILITY} order) of the feature furthest from its
     *                   training median in scaled units; the first such on ties
     * @param value      that feature's raw value in this row
     * @param expected   that feature's training median, raw ({@code scaler.inverse(feature, 0)})
     * @param deviation  that feature's scaled value (signed; IQR units after the scaler's log transform)
     * @param severity   from {@link #cutoffs()}
     * @param confidence 0.5 at the threshold, rising with the distance from it, capped at 1
     */
    public record Detection(boolean anomalous, double score, int feature, double value, double expected,
                            double deviation, Severity severity, double confidence) {}

    private final FlatForest forest;
    private final ForestScorer scorer;
    private final Scaler scaler;
    private final double threshold;
    private final Cutoffs cutoffs;
    private final ModelMetadata metadata;

    /**
     * Loads the artifact and puts its forest on the selected kernel, or the next one below when that
     * cannot take it ({@link ForestScorer#create(FlatForest)}).
     *
     * @throws IOException when the forest file cannot be read or does not fit the schema
     */
    public ReliabilityDetector(ModelArtifact artifact) throws IOException {
        this(artifact, null);
    }

    /** As {@link #ReliabilityDetector(ModelArtifact)} on exactly {@code impl} (tests, benchmarks). */
    public ReliabilityDetector(ModelArtifact artifact, Implementation impl) throws IOException {
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
        this.scaler = Objects.requireNonNull(metadata.scaler(), "reliability metadata has no scaler");
        this.threshold = metadata.threshold("anomaly");
        this.cutoffs = Cutoffs.of(threshold);
        this.scorer = impl == null ? ForestScorer.create(forest) : ForestScorer.create(forest, impl);
    }

    public static ReliabilityDetector loadDefault() throws IOException {
        return new ReliabilityDetector(ModelArtifact.loadDefault(Schemas.RELIABILITY.model()));
    }

    /** Which kernel scores (for the start-up log and metric labels). */
    public Implementation implementation() {
        return scorer.implementation();
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

    public Cutoffs cutoffs() {
        return cutoffs;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Anomaly scores of raw rows. */
    public double[] score(double[][] x) {
        return scoreScaled(scale(x), x.length);
    }

    /** score >= threshold. */
    public boolean[] anomalous(double[][] x) {
        double[] s = score(x);
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i] >= threshold;
        return out;
    }

    /** Scores and explains raw rows; one {@link Detection} per row, in order. */
    public Detection[] detect(double[][] x) {
        int f = Schemas.RELIABILITY.size();
        double[] scaled = scale(x);
        double[] scores = scoreScaled(scaled, x.length);
        Detection[] out = new Detection[x.length];
        for (int i = 0; i < x.length; i++) {
            int base = i * f;
            int worst = 0;
            for (int j = 1; j < f; j++) {
                if (Math.abs(scaled[base + j]) > Math.abs(scaled[base + worst])) {
                    worst = j;
                }
            }
            double s = scores[i];
            Severity sev = cutoffs.severity(s);
            double span = span(threshold);
            double conf = Math.min(1, 0.5 + Math.abs(s - threshold) / (2 * Math.max(threshold, span)));
            out[i] = new Detection(sev != Severity.NONE, s, worst, x[i][worst], scaler.inverse(worst, 0),
                    scaled[base + worst], sev, conf);
        }
        return out;
    }

    /** Frees the kernel's native memory; idempotent. Later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        scorer.close();
    }

    /** Rows scaled into one row-major array, the layout the kernels take. */
    private double[] scale(double[][] x) {
        int f = Schemas.RELIABILITY.size();
        double[] rows = new double[x.length * f];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != f) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + f);
            }
            System.arraycopy(scaler.transform(x[i]), 0, rows, i * f, f);
        }
        return rows;
    }

    private double[] scoreScaled(double[] rows, int n) {
        double[] out = new double[n];
        scorer.score(rows, n, out);
        return out;
    }

    /** Distance from the threshold to 1, kept away from 0 so a threshold of 1 still divides. */
    private static double span(double threshold) {
        return Math.max(1e-9, 1 - threshold);
    }
}

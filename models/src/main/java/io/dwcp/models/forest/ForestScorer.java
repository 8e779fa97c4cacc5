package io.dwcp.models.forest;

import io.dwcp.jni.FlatForest;

/**
 * Reference scorer for {@link FlatForest}, used by training and evaluation. Follows the format's
 * contract exactly: path lengths summed over trees in index order in double precision, score
 * {@code 2^(-mean / normalizer)} in (0, 1]. Immutable and thread-safe (it copies the arrays once).
 */
public final class ForestScorer {
    private final int nFeatures;
    private final int[] treeStart;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] leafValue;
    private final double normalizer;

    public ForestScorer(FlatForest f) {
        this.nFeatures = f.nFeatures();
        this.treeStart = f.treeStart();
        this.feature = f.feature();
        this.threshold = f.threshold();
        this.left = f.left();
        this.right = f.right();
        this.leafValue = f.leafValue();
        this.normalizer = f.normalizer();
    }

    /** Mean path length of x over all trees. */
    public double meanPathLength(double[] x) {
        if (x.length != nFeatures) {
            throw new IllegalArgumentException("expected " + nFeatures + " features, got " + x.length);
        }
        int nt = treeStart.length - 1;
        double sum = 0;
        for (int t = 0; t < nt; t++) {
            int i = treeStart[t];
            while (feature[i] >= 0) {
                i = x[feature[i]] <= threshold[i] ? left[i] : right[i];
            }
            sum += leafValue[i];
        }
        return sum / nt;
    }

    public double score(double[] x) {
        return Math.pow(2.0, -meanPathLength(x) / normalizer);
    }

    public double[] score(double[][] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = score(rows[i]);
        return out;
    }
}

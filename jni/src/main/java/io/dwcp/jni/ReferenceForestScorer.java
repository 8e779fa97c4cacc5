package io.dwcp.jni;

import java.nio.DoubleBuffer;

/**
 * The pure-Java reference walk, and the one Java forest walker outside the kernels: it walks
 * {@link FlatForest}'s own arrays exactly as that class defines ({@code x[f] <= threshold} goes left, leaf
 * values added per tree in index order, in double). The C and CUDA kernels and the faster Java fallback
 * that {@link Implementation#JAVA} uses ({@code PackedJavaForestScorer}, a Java port of the C kernel's
 * layout) are tested against it bit for bit; training and evaluation in {@code models/} score with it.
 * It is not selected by {@link Kernels} (5x slower than the fallback, see jni/BENCHMARKS.md).
 *
 * <p>Errors as every {@link ForestScorer}: a NaN feature is an {@link IllegalArgumentException} naming the
 * first such row and column. Thread-safe (stateless apart from the forest); {@link #close()} holds no
 * native memory but still refuses later calls, as every scorer does.
 */
public final class ReferenceForestScorer extends AbstractForestScorer {
    private final int[] treeStart;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] leafValue;

    public ReferenceForestScorer(FlatForest forest) {
        super(forest);
        this.treeStart = forest.treeStart();
        this.feature = forest.feature();
        this.threshold = forest.threshold();
        this.left = forest.left();
        this.right = forest.right();
        this.leafValue = forest.leafValue();
    }

    /**
     * Scores rows given one array per row (training and evaluation code holds them so), each of exactly
     * {@code nFeatures} values; as {@link #score(double[], int, double[])} otherwise.
     */
    public double[] score(double[][] rows) {
        int nf = nFeatures;
        double[] flat = new double[rows.length * nf];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != nf) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " features, the forest " + nf);
            }
            System.arraycopy(rows[i], 0, flat, i * nf, nf);
        }
        double[] out = new double[rows.length];
        score(flat, rows.length, out);
        return out;
    }

    @Override
    public Implementation implementation() {
        return Implementation.JAVA;
    }

    @Override
    void pathSums(double[] x, int n, double[] sums) {
        int nf = nFeatures;
        // NaN first, over all rows, so the error names the same (first) cell as the native kernels.
        for (int i = 0, cells = n * nf; i < cells; i++) {
            if (Double.isNaN(x[i])) {
                throw Status.nanInRows(i / nf, i % nf);
            }
        }
        int nTrees = treeStart.length - 1;
        for (int r = 0; r < n; r++) {
            int base = r * nf;
            double sum = 0.0;
            for (int t = 0; t < nTrees; t++) {
                int i = treeStart[t];
                int f;
                while ((f = feature[i]) != -1) {
                    i = x[base + f] <= threshold[i] ? left[i] : right[i];
                }
                sum += leafValue[i];
            }
            sums[r] = sum;
        }
    }

    @Override
    void pathSums(DoubleBuffer rows, int n, DoubleBuffer sums) {
        double[] x = new double[n * nFeatures];
        rows.get(rows.position(), x);
        double[] s = new double[n];
        pathSums(x, n, s);
        sums.put(sums.position(), s);
    }

    @Override
    void release() {
    }
}

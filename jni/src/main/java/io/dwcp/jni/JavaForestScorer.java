package io.dwcp.jni;

import java.nio.DoubleBuffer;

/**
 * The pure-Java reference: walks {@link FlatForest}'s own arrays exactly as its javadoc defines
 * ({@code x[f] <= threshold} goes left, leaf value added per tree in index order, in double). The C and
 * CUDA kernels, and the faster Java fallback {@link PackedJavaForestScorer} that {@link Implementation#JAVA}
 * uses, are tested against this class. Stateless apart from the forest; thread-safe.
 */
final class JavaForestScorer extends AbstractForestScorer {
    private final int[] treeStart;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] leafValue;

    JavaForestScorer(FlatForest forest) {
        super(forest);
        this.treeStart = forest.treeStart();
        this.feature = forest.feature();
        this.threshold = forest.threshold();
        this.left = forest.left();
        this.right = forest.right();
        this.leafValue = forest.leafValue();
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

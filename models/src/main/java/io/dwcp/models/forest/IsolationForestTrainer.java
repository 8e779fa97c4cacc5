package io.dwcp.models.forest;

import io.dwcp.jni.FlatForest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Isolation Forest (Liu, Ting, Zhou 2008) trained straight into the {@link FlatForest} layout that the
 * agent and the native kernels score. Deterministic: the same rows, parameters and seed give a
 * bit-identical forest (one {@link SplittableRandom} split per tree, consumed in a fixed order).
 *
 * <p>Per tree: a subsample of {@code sampleSize} rows without replacement; at each node a feature is
 * drawn uniformly among those not constant in the node, and a threshold uniformly in
 * {@code [min, max)}; {@code x[f] <= threshold} goes left. Growth stops at depth
 * {@code ceil(log2(sampleSize))} or at one row; a leaf stores {@code depth + c(size)}.
 *
 * <p>Instances are immutable parameter holders; {@link #fit} is thread-safe.
 */
public final class IsolationForestTrainer {
    private final int nTrees;
    private final int sampleSize;
    private final long seed;

    public IsolationForestTrainer(int nTrees, int sampleSize, long seed) {
        if (nTrees < 1) throw new IllegalArgumentException("nTrees must be >= 1, got " + nTrees);
        if (sampleSize < 2) throw new IllegalArgumentException("sampleSize must be >= 2, got " + sampleSize);
        this.nTrees = nTrees;
        this.sampleSize = sampleSize;
        this.seed = seed;
    }

    /** Trains on rows [n][features] (already transformed as the serving side will transform them). */
    public FlatForest fit(double[][] rows) {
        if (rows.length < 2) throw new IllegalArgumentException("need at least 2 rows, got " + rows.length);
        int d = rows[0].length;
        int psi = Math.min(sampleSize, rows.length);
        int maxDepth = (int) Math.ceil(Math.log(psi) / Math.log(2));
        SplittableRandom root = new SplittableRandom(seed);
        Builder b = new Builder(d);
        List<Integer> starts = new ArrayList<>();
        for (int t = 0; t < nTrees; t++) {
            SplittableRandom rnd = root.split();
            int[] sample = sampleWithoutReplacement(rows.length, psi, rnd);
            starts.add(b.size());
            b.grow(rows, sample, 0, sample.length, 0, maxDepth, rnd);
        }
        starts.add(b.size());
        int[] ts = starts.stream().mapToInt(Integer::intValue).toArray();
        return b.build(ts, FlatForest.averagePathLength(psi));
    }

    /** Partial Fisher-Yates: the first k of a shuffled 0..n-1. */
    static int[] sampleWithoutReplacement(int n, int k, SplittableRandom rnd) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = new int[k];
        System.arraycopy(all, 0, out, 0, k);
        return out;
    }

    private static final class Builder {
        final int d;
        int n;
        int[] feature = new int[1024];
        double[] threshold = new double[1024];
        int[] left = new int[1024];
        int[] right = new int[1024];
        double[] leaf = new double[1024];

        Builder(int d) {
            this.d = d;
        }

        int size() {
            return n;
        }

        int add() {
            if (n == feature.length) {
                int m = n * 2;
                feature = java.util.Arrays.copyOf(feature, m);
                threshold = java.util.Arrays.copyOf(threshold, m);
                left = java.util.Arrays.copyOf(left, m);
                right = java.util.Arrays.copyOf(right, m);
                leaf = java.util.Arrays.copyOf(leaf, m);
            }
            return n++;
        }

        /** Grows the subtree of idx[lo,hi) in pre-order so that children always follow their parent. */
        int grow(double[][] rows, int[] idx, int lo, int hi, int depth, int maxDepth, SplittableRandom rnd) {
            int node = add();
            int size = hi - lo;
            if (size <= 1 || depth >= maxDepth) {
                return makeLeaf(node, depth, size);
            }
            // Features that still vary in this node; pick one uniformly.
            double[] mins = new double[d];
            double[] maxs = new double[d];
            int[] varying = new int[d];
            int nv = 0;
            for (int f = 0; f < d; f++) {
                double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
                for (int i = lo; i < hi; i++) {
                    double v = rows[idx[i]][f];
                    if (v < mn) mn = v;
                    if (v > mx) mx = v;
                }
                mins[f] = mn;
                maxs[f] = mx;
                if (mx > mn) varying[nv++] = f;
            }
            if (nv == 0) {
                return makeLeaf(node, depth, size);
            }
            int f = varying[rnd.nextInt(nv)];
            double thr = mins[f] + rnd.nextDouble() * (maxs[f] - mins[f]);
            if (thr >= maxs[f]) thr = Math.nextDown(maxs[f]);
            // Partition in place: <= thr to the front.
            int mid = lo;
            for (int i = lo; i < hi; i++) {
                if (rows[idx[i]][f] <= thr) {
                    int tmp = idx[i];
                    idx[i] = idx[mid];
                    idx[mid] = tmp;
                    mid++;
                }
            }
            feature[node] = f;
            threshold[node] = thr;
            leaf[node] = 0;
            int l = grow(rows, idx, lo, mid, depth + 1, maxDepth, rnd);
            int r = grow(rows, idx, mid, hi, depth + 1, maxDepth, rnd);
            left[node] = l;
            right[node] = r;
            return node;
        }

        int makeLeaf(int node, int depth, int size) {
            feature[node] = -1;
            threshold[node] = 0;
            left[node] = -1;
            right[node] = -1;
            leaf[node] = depth + FlatForest.averagePathLength(size);
            return node;
        }

        FlatForest build(int[] treeStart, double normalizer) {
            return new FlatForest(d, treeStart, java.util.Arrays.copyOf(feature, n),
                    java.util.Arrays.copyOf(threshold, n), java.util.Arrays.copyOf(left, n),
                    java.util.Arrays.copyOf(right, n), java.util.Arrays.copyOf(leaf, n), normalizer);
        }
    }
}

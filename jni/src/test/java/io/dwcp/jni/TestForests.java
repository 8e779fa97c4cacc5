package io.dwcp.jni;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random Isolation-Forest-shaped forests in FlatForest form, and rows that hit thresholds exactly. */
final class TestForests {
    private TestForests() {
    }

    /** nTrees trees over nFeatures features, depth at most maxDepth, pre-order like scikit-learn's arrays. */
    static FlatForest random(Random rnd, int nTrees, int nFeatures, int maxDepth) {
        List<Integer> feature = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        List<Double> leaf = new ArrayList<>();
        int[] treeStart = new int[nTrees + 1];
        for (int t = 0; t < nTrees; t++) {
            treeStart[t] = feature.size();
            grow(rnd, 0, 256, nFeatures, maxDepth, feature, threshold, left, right, leaf);
        }
        treeStart[nTrees] = feature.size();
        return new FlatForest(nFeatures, treeStart, feature.stream().mapToInt(i -> i).toArray(),
                threshold.stream().mapToDouble(d -> d).toArray(), left.stream().mapToInt(i -> i).toArray(),
                right.stream().mapToInt(i -> i).toArray(), leaf.stream().mapToDouble(d -> d).toArray(),
                FlatForest.averagePathLength(256));
    }

    private static int grow(Random rnd, int depth, int size, int nf, int maxDepth, List<Integer> feature,
                            List<Double> threshold, List<Integer> left, List<Integer> right, List<Double> leaf) {
        int me = feature.size();
        feature.add(-1);
        threshold.add(0.0);
        left.add(-1);
        right.add(-1);
        leaf.add(0.0);
        if (depth >= maxDepth || size <= 1 || (depth > 0 && rnd.nextDouble() < 0.15)) {
            leaf.set(me, depth + FlatForest.averagePathLength(size));
            return me;
        }
        int ls = 1 + rnd.nextInt(size - 1);
        feature.set(me, rnd.nextInt(nf));
        // coarse thresholds (multiples of 1/8) so that rows drawn the same way hit them exactly
        threshold.set(me, Math.round((rnd.nextDouble() * 2 - 1) * 8) / 8.0);
        int l = grow(rnd, depth + 1, ls, nf, maxDepth, feature, threshold, left, right, leaf);
        int r = grow(rnd, depth + 1, size - ls, nf, maxDepth, feature, threshold, left, right, leaf);
        left.set(me, l);
        right.set(me, r);
        return me;
    }

    /** n rows: mostly uniform in [-1.2, 1.2], some exactly on the threshold grid, a few infinities. */
    static double[] rows(Random rnd, int n, int nf) {
        double[] x = new double[n * nf];
        for (int i = 0; i < x.length; i++) {
            double u = rnd.nextDouble();
            if (u < 0.3) {
                x[i] = Math.round((rnd.nextDouble() * 2 - 1) * 8) / 8.0;
            } else if (u < 0.31) {
                x[i] = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            } else {
                x[i] = rnd.nextDouble() * 2.4 - 1.2;
            }
        }
        return x;
    }
}

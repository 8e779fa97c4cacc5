package io.dwcp.jni;

import java.nio.DoubleBuffer;

/**
 * The pure-Java fallback used by {@link Implementation#JAVA}: the same node layout and branch-free,
 * fixed-trip-count walk as the C kernel (native/src/c/dwcp_layout.h), eight rows in lock-step, in Java.
 * It exists so that the fallback is not needlessly slow, and so that the benchmark can say how much of
 * the C kernel's lead over the reference comes from the algorithm rather than from C (most of it: see
 * jni/BENCHMARKS.md). Walking eight independent rows per step lets the CPU overlap their loads; one row
 * at a time was 2-3x slower here. Results are bit-identical to
 * {@link ReferenceForestScorer} (tested by the contract suite); {@code x > t} equals {@code !(x <= t)} for every
 * non-NaN x, and NaN is rejected first. Thread-safe (immutable after construction).
 */
final class PackedJavaForestScorer extends AbstractForestScorer {
    private static final int BLOCK = 256;

    private final int nTrees;
    private final int[] treeStart; // into the packed arrays
    private final int[] depth;
    private final int[] feat;      // leaf: 0
    private final int[] left;      // tree-relative; right = left + 1; leaf: itself
    private final double[] thr;    // leaf: +inf, so a leaf loops on itself
    private final double[] leaf;

    PackedJavaForestScorer(FlatForest forest) {
        super(forest);
        int[] ts = forest.treeStart();
        int[] f = forest.feature();
        double[] th = forest.threshold();
        int[] l = forest.left();
        int[] r = forest.right();
        double[] lv = forest.leafValue();
        nTrees = forest.nTrees();
        int n = forest.nNodes();
        treeStart = new int[nTrees + 1];
        depth = new int[nTrees];
        feat = new int[n];
        left = new int[n];
        thr = new double[n];
        leaf = new double[n];
        int[] queue = new int[n];
        int[] level = new int[n];
        int packed = 0;
        for (int t = 0; t < nTrees; t++) {
            int lo = ts[t];
            int hi = ts[t + 1];
            treeStart[t] = packed;
            // breadth-first, both children appended together so they are adjacent (as in dwcp_layout.h)
            int head = 0;
            int tail = 0;
            int d = 0;
            queue[packed + tail] = lo;
            level[packed + tail] = 0;
            tail++;
            while (head < tail) {
                int p = packed + head;
                int o = queue[p];
                if (f[o] == -1) {
                    feat[p] = 0;
                    thr[p] = Double.POSITIVE_INFINITY;
                    left[p] = head;
                    leaf[p] = lv[o];
                    d = Math.max(d, level[p]);
                } else {
                    if (tail + 2 > hi - lo) {
                        throw new IllegalArgumentException("tree " + t + ": node " + o + " is reachable twice");
                    }
                    feat[p] = f[o];
                    thr[p] = th[o];
                    left[p] = tail;
                    queue[packed + tail] = l[o];
                    level[packed + tail] = level[p] + 1;
                    queue[packed + tail + 1] = r[o];
                    level[packed + tail + 1] = level[p] + 1;
                    tail += 2;
                }
                head++;
            }
            depth[t] = d;
            packed += tail;
        }
        treeStart[nTrees] = packed;
    }

    @Override
    public Implementation implementation() {
        return Implementation.JAVA;
    }

    @Override
    void pathSums(double[] x, int n, double[] sums) {
        int nf = nFeatures;
        for (int i = 0, cells = n * nf; i < cells; i++) {
            if (Double.isNaN(x[i])) {
                throw Status.nanInRows(i / nf, i % nf);
            }
        }
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            for (int r = b; r < end; r++) {
                sums[r] = 0.0;
            }
            for (int t = 0; t < nTrees; t++) {
                int base = treeStart[t];
                int dt = depth[t];
                int r = b;
                for (; r + 8 <= end; r += 8) {
                    int x0 = r * nf;
                    int i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0, i7 = 0;
                    for (int d = 0; d < dt; d++) {
                        int p0 = base + i0, p1 = base + i1, p2 = base + i2, p3 = base + i3;
                        int p4 = base + i4, p5 = base + i5, p6 = base + i6, p7 = base + i7;
                        i0 = left[p0] + (x[x0 + feat[p0]] > thr[p0] ? 1 : 0);
                        i1 = left[p1] + (x[x0 + nf + feat[p1]] > thr[p1] ? 1 : 0);
                        i2 = left[p2] + (x[x0 + 2 * nf + feat[p2]] > thr[p2] ? 1 : 0);
                        i3 = left[p3] + (x[x0 + 3 * nf + feat[p3]] > thr[p3] ? 1 : 0);
                        i4 = left[p4] + (x[x0 + 4 * nf + feat[p4]] > thr[p4] ? 1 : 0);
                        i5 = left[p5] + (x[x0 + 5 * nf + feat[p5]] > thr[p5] ? 1 : 0);
                        i6 = left[p6] + (x[x0 + 6 * nf + feat[p6]] > thr[p6] ? 1 : 0);
                        i7 = left[p7] + (x[x0 + 7 * nf + feat[p7]] > thr[p7] ? 1 : 0);
                    }
                    sums[r] += leaf[base + i0];
                    sums[r + 1] += leaf[base + i1];
                    sums[r + 2] += leaf[base + i2];
                    sums[r + 3] += leaf[base + i3];
                    sums[r + 4] += leaf[base + i4];
                    sums[r + 5] += leaf[base + i5];
                    sums[r + 6] += leaf[base + i6];
                    sums[r + 7] += leaf[base + i7];
                }
                for (; r < end; r++) {
                    int xb = r * nf;
                    int i = 0;
                    for (int d = 0; d < dt; d++) {
                        int p = base + i;
                        i = left[p] + (x[xb + feat[p]] > thr[p] ? 1 : 0);
                    }
                    sums[r] += leaf[base + i];
                }
            }
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

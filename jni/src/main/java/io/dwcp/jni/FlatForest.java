package io.dwcp.jni;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An Isolation Forest as flat arrays: the one format that training writes, the agent loads, and every
 * scoring kernel (pure Java, C, CUDA) walks. Flat arrays instead of node objects so the same memory
 * can be handed to native code without conversion.
 *
 * <p>Layout: nodes of all trees are concatenated; tree {@code t} owns nodes
 * {@code [treeStart[t], treeStart[t+1])} and its root is {@code treeStart[t]}. {@code left}/{@code right}
 * are absolute node indices. A leaf has {@code feature == -1} and {@code leafValue} = depth + c(size),
 * the full path-length contribution of a sample ending there. An inner node sends a sample left when
 * {@code x[feature] <= threshold} (scikit-learn's convention). The anomaly score of {@code x} is
 * {@code 2^(-mean_t(pathLength_t(x)) / normalizer)} with {@code normalizer = c(sampleSize)}, summed
 * over trees in index order in double precision (kernels must keep that order to be bit-identical).
 *
 * <p>Immutable after construction (arrays are defensively copied); thread-safe.
 */
public final class FlatForest {
    private static final int MAGIC = 0x44574946; // "DWIF"
    private static final int VERSION = 1;

    private final int nFeatures;
    private final int[] treeStart;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] leafValue;
    private final double normalizer;

    public FlatForest(int nFeatures, int[] treeStart, int[] feature, double[] threshold, int[] left, int[] right,
                      double[] leafValue, double normalizer) {
        this.nFeatures = nFeatures;
        this.treeStart = treeStart.clone();
        this.feature = feature.clone();
        this.threshold = threshold.clone();
        this.left = left.clone();
        this.right = right.clone();
        this.leafValue = leafValue.clone();
        this.normalizer = normalizer;
        validate();
    }

    private void validate() {
        if (nFeatures < 1) {
            throw new IllegalArgumentException("nFeatures must be >= 1, got " + nFeatures);
        }
        if (treeStart.length < 2) {
            throw new IllegalArgumentException("forest needs at least one tree");
        }
        int n = feature.length;
        if (threshold.length != n || left.length != n || right.length != n || leafValue.length != n) {
            throw new IllegalArgumentException("node arrays differ in length");
        }
        if (treeStart[0] != 0 || treeStart[treeStart.length - 1] != n) {
            throw new IllegalArgumentException("treeStart must run from 0 to the node count " + n);
        }
        if (!(normalizer > 0) || Double.isInfinite(normalizer)) {
            throw new IllegalArgumentException("normalizer must be finite and > 0, got " + normalizer);
        }
        for (int t = 0; t + 1 < treeStart.length; t++) {
            int lo = treeStart[t];
            int hi = treeStart[t + 1];
            if (hi <= lo) {
                throw new IllegalArgumentException("tree " + t + " is empty");
            }
            if (hi > n) { // found by fuzzing: an inner treeStart past the node count indexed off the arrays
                throw new IllegalArgumentException("tree " + t + " ends at " + hi + ", past the node count " + n);
            }
            for (int i = lo; i < hi; i++) {
                int f = feature[i];
                if (f == -1) {
                    if (!Double.isFinite(leafValue[i])) {
                        throw new IllegalArgumentException("leaf " + i + " has non-finite value");
                    }
                    continue;
                }
                if (f < 0 || f >= nFeatures) {
                    throw new IllegalArgumentException("node " + i + " has feature " + f + " outside 0.." + (nFeatures - 1));
                }
                // Children strictly after the parent and inside the same tree: this rules out cycles,
                // so a walk always ends, whatever bytes a model file holds.
                if (left[i] <= i || left[i] >= hi || right[i] <= i || right[i] >= hi) {
                    throw new IllegalArgumentException("node " + i + " has children outside its tree or before itself");
                }
                if (Double.isNaN(threshold[i])) {
                    throw new IllegalArgumentException("node " + i + " has a NaN threshold");
                }
            }
        }
    }

    public int nFeatures() { return nFeatures; }
    public int nTrees() { return treeStart.length - 1; }
    public int nNodes() { return feature.length; }
    public double normalizer() { return normalizer; }
    public int[] treeStart() { return treeStart.clone(); }
    public int[] feature() { return feature.clone(); }
    public double[] threshold() { return threshold.clone(); }
    public int[] left() { return left.clone(); }
    public int[] right() { return right.clone(); }
    public double[] leafValue() { return leafValue.clone(); }

    /**
     * The anomaly score of a sample whose path lengths, added over all trees in index order in double
     * precision, sum to {@code pathLengthSum}: {@code 2^(-(pathLengthSum / nTrees) / normalizer)}. Every
     * kernel (Java, C, CUDA) produces such sums and this one method turns them into scores, so equal sums
     * give bit-identical scores whichever {@code pow} the native side would have used.
     */
    public double score(double pathLengthSum) {
        return Math.pow(2.0, -(pathLengthSum / (treeStart.length - 1)) / normalizer);
    }

    /** Average path length of an unsuccessful BST search among n points, c(n) of Liu et al. */
    public static double averagePathLength(long n) {
        if (n <= 1) {
            return 0.0;
        }
        if (n == 2) {
            return 1.0;
        }
        double h = Math.log(n - 1.0) + 0.5772156649015329;
        return 2.0 * h - 2.0 * (n - 1.0) / n;
    }

    /** Writes the forest little-endian: magic, version, nFeatures, nTrees, nNodes, normalizer, arrays. */
    public void write(OutputStream out) throws IOException {
        int n = feature.length;
        ByteBuffer b = ByteBuffer.allocate(4 * 5 + 8 + 4 * (treeStart.length) + n * (4 + 8 + 4 + 4 + 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(nFeatures).putInt(nTrees()).putInt(n).putDouble(normalizer);
        for (int v : treeStart) b.putInt(v);
        for (int v : feature) b.putInt(v);
        for (double v : threshold) b.putDouble(v);
        for (int v : left) b.putInt(v);
        for (int v : right) b.putInt(v);
        for (double v : leafValue) b.putDouble(v);
        new DataOutputStream(out).write(b.array());
        out.flush();
    }

    /** Reads what {@link #write} wrote; a truncated or foreign file is an {@link IOException} naming why. */
    public static FlatForest read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (b.getInt() != MAGIC) {
                throw new IOException("not a forest file (bad magic)");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new IOException("unsupported forest file version " + version);
            }
            int nf = b.getInt();
            int nt = b.getInt();
            int n = b.getInt();
            // 28 bytes per node (feature, threshold, left, right, leafValue), 4 per treeStart entry
            if (nt < 1 || n < 1 || (long) n * 28 + (long) nt * 4 > all.length) {
                throw new IOException("forest header inconsistent with file size: trees=" + nt + " nodes=" + n);
            }
            double norm = b.getDouble();
            int[] ts = ints(b, nt + 1);
            int[] f = ints(b, n);
            double[] th = doubles(b, n);
            int[] l = ints(b, n);
            int[] r = ints(b, n);
            double[] lv = doubles(b, n);
            if (b.hasRemaining()) {
                throw new IOException("forest file has " + b.remaining() + " trailing bytes");
            }
            return new FlatForest(nf, ts, f, th, l, r, lv, norm);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("forest file truncated", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("forest file invalid: " + e.getMessage(), e);
        }
    }

    private static int[] ints(ByteBuffer b, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = b.getInt();
        return a;
    }

    private static double[] doubles(ByteBuffer b, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = b.getDouble();
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlatForest f && nFeatures == f.nFeatures && normalizer == f.normalizer
                && Arrays.equals(treeStart, f.treeStart) && Arrays.equals(feature, f.feature)
                && Arrays.equals(threshold, f.threshold) && Arrays.equals(left, f.left)
                && Arrays.equals(right, f.right) && Arrays.equals(leafValue, f.leafValue);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(feature) * 31 + Arrays.hashCode(threshold);
    }
}

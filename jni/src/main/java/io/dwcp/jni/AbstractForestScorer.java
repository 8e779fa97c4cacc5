package io.dwcp.jni;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What every implementation shares: argument checks (so every implementation rejects the same inputs
 * with the same messages), the closed state, and turning path-length sums into scores. A read-write
 * lock lets scoring calls run concurrently while {@link #close()} waits for them, so a native handle is
 * never freed under a running kernel.
 */
abstract class AbstractForestScorer implements ForestScorer {
    final FlatForest forest;
    final int nFeatures;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    AbstractForestScorer(FlatForest forest) {
        this.forest = Objects.requireNonNull(forest, "forest");
        this.nFeatures = forest.nFeatures();
    }

    /** Writes the path-length sum of each of the n rows into sums; n >= 1, sizes checked. */
    abstract void pathSums(double[] rows, int n, double[] sums);

    /** As above for direct, native-order buffers, reading and writing from their positions. */
    abstract void pathSums(DoubleBuffer rows, int n, DoubleBuffer sums);

    /** Frees native resources; called once, with no scoring call running. */
    abstract void release();

    @Override
    public FlatForest forest() {
        return forest;
    }

    @Override
    public final void score(double[] rows, int n, double[] out) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(out, "out");
        checkSizes(n, rows.length, out.length);
        Lock r = lock.readLock();
        r.lock();
        try {
            ensureOpen();
            if (n == 0) {
                return;
            }
            pathSums(rows, n, out);
        } finally {
            r.unlock();
        }
        for (int i = 0; i < n; i++) {
            out[i] = forest.score(out[i]);
        }
    }

    @Override
    public final void score(DoubleBuffer rows, int n, DoubleBuffer out) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(out, "out");
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("out buffer is read-only");
        }
        checkSizes(n, rows.remaining(), out.remaining());
        int rp = rows.position();
        int op = out.position();
        boolean direct = rows.isDirect() && out.isDirect() && rows.order() == ByteOrder.nativeOrder()
                && out.order() == ByteOrder.nativeOrder();
        if (!direct) { // heap or foreign-order buffers: score a copy
            double[] x = new double[n * nFeatures];
            rows.get(rp, x);
            double[] s = new double[n];
            score(x, n, s);
            out.put(op, s);
            return;
        }
        Lock r = lock.readLock();
        r.lock();
        try {
            ensureOpen();
            if (n == 0) {
                return;
            }
            pathSums(rows, n, out);
        } finally {
            r.unlock();
        }
        for (int i = op; i < op + n; i++) {
            out.put(i, forest.score(out.get(i)));
        }
    }

    private void checkSizes(int n, int rowsAvailable, int outAvailable) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        long need = (long) n * nFeatures;
        if (need > rowsAvailable) {
            throw new IllegalArgumentException(n + " rows of " + nFeatures + " features need " + need
                    + " values, rows holds " + rowsAvailable);
        }
        if (n > outAvailable) {
            throw new IllegalArgumentException(n + " rows need " + n + " scores, out holds " + outAvailable);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ForestScorer (" + implementation().id() + ") is closed");
        }
    }

    @Override
    public final void close() {
        Lock w = lock.writeLock();
        w.lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            w.unlock();
        }
    }

    @Override
    public String toString() {
        return "ForestScorer[" + implementation().id() + ", " + forest.nTrees() + " trees, " + nFeatures + " features]";
    }
}

package io.dwcp.jni;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Argument checks, closed state and locking shared by every {@link WindowPacker}. */
abstract class AbstractWindowPacker implements WindowPacker {
    final int nFeatures;
    final int window;
    final Scaling scaling;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    AbstractWindowPacker(int nFeatures, int window, Scaling scaling) {
        Objects.requireNonNull(scaling, "scaling");
        if (nFeatures < 1) {
            throw new IllegalArgumentException("nFeatures must be >= 1, got " + nFeatures);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (scaling.nFeatures() != nFeatures) {
            throw new IllegalArgumentException("scaling has " + scaling.nFeatures() + " features, packer " + nFeatures);
        }
        this.nFeatures = nFeatures;
        this.window = window;
        this.scaling = scaling;
    }

    /** Packs into out (array or direct native-order buffer from its position); batch >= 1, sizes checked. */
    abstract void packChecked(Rings rings, int[] select, int batch, float[] out);

    abstract void packChecked(Rings rings, int[] select, int batch, FloatBuffer out);

    abstract void release();

    @Override
    public int nFeatures() {
        return nFeatures;
    }

    @Override
    public int window() {
        return window;
    }

    @Override
    public final void pack(Rings rings, int[] select, int batch, float[] out) {
        Objects.requireNonNull(out, "out");
        checkSizes(rings, select, batch, out.length);
        Lock r = lock.readLock();
        r.lock();
        try {
            ensureOpen();
            if (batch > 0) {
                packChecked(rings, select, batch, out);
            }
        } finally {
            r.unlock();
        }
    }

    @Override
    public final void pack(Rings rings, int[] select, int batch, FloatBuffer out) {
        Objects.requireNonNull(out, "out");
        if (out.isReadOnly()) {
            throw new IllegalArgumentException("out buffer is read-only");
        }
        checkSizes(rings, select, batch, out.remaining());
        if (!out.isDirect() || out.order() != ByteOrder.nativeOrder()) {
            float[] tmp = new float[batch * window * nFeatures];
            pack(rings, select, batch, tmp);
            out.put(out.position(), tmp);
            return;
        }
        Lock r = lock.readLock();
        r.lock();
        try {
            ensureOpen();
            if (batch > 0) {
                packChecked(rings, select, batch, out);
            }
        } finally {
            r.unlock();
        }
    }

    private void checkSizes(Rings rings, int[] select, int batch, int outAvailable) {
        Objects.requireNonNull(rings, "rings");
        Objects.requireNonNull(select, "select");
        if (rings.nFeatures() != nFeatures) {
            throw new IllegalArgumentException("rings hold " + rings.nFeatures() + " features, packer expects " + nFeatures);
        }
        if (window > rings.capacity()) {
            throw new IllegalArgumentException("window " + window + " exceeds ring capacity " + rings.capacity());
        }
        if (batch < 0 || batch > select.length) {
            throw new IllegalArgumentException("batch must be in 0.." + select.length + " (select length), got " + batch);
        }
        long need = (long) batch * window * nFeatures;
        if (need > outAvailable) {
            throw new IllegalArgumentException(batch + " windows of " + window + " x " + nFeatures + " need " + need
                    + " floats, out holds " + outAvailable);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("WindowPacker (" + implementation().id() + ") is closed");
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
        return "WindowPacker[" + implementation().id() + ", window " + window + ", " + nFeatures + " features, " + scaling + "]";
    }
}

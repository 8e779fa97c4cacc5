package io.dwcp.jni.nets;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Argument checks shared by every implementation (same inputs refused with the same messages), and the
 * closed state: a read-write lock lets calls run concurrently while {@link #close()} waits for them, so
 * a native handle is never freed under a running kernel.
 */
abstract class AbstractNet implements Net {
    final NetWeights weights;
    final int inputSize;
    final int[] outputSizes;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    AbstractNet(NetWeights weights) {
        this.weights = Objects.requireNonNull(weights, "weights");
        int[] d = weights.dims();
        this.inputSize = size(weights.kind().inputShape(d));
        int[][] os = weights.kind().outputShapes(d);
        this.outputSizes = new int[os.length];
        for (int i = 0; i < os.length; i++) {
            outputSizes[i] = size(os[i]);
        }
    }

    static int size(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public NetWeights weights() {
        return weights;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize(int i) {
        return outputSizes[i];
    }

    /** Runs with sizes checked, outs padded to the output count (nulls for the missing ones); batch >= 1. */
    abstract void run(float[] x, int batch, float[][] outs);

    /**
     * Runs on direct, native-order buffers from their positions; sizes checked, batch >= 1, outs padded.
     * The default copies through arrays; the C implementation passes the buffers to the kernel.
     */
    void runDirect(FloatBuffer x, int batch, FloatBuffer[] outs) {
        runCopying(x, batch, outs);
    }

    private void runCopying(FloatBuffer x, int batch, FloatBuffer[] outs) {
        float[] xa = new float[batch * inputSize];
        x.get(x.position(), xa);
        float[][] oa = new float[outs.length][];
        for (int i = 0; i < outs.length; i++) {
            oa[i] = outs[i] == null ? null : new float[batch * outputSizes[i]];
        }
        run(xa, batch, oa);
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] != null) {
                outs[i].put(outs[i].position(), oa[i]);
            }
        }
    }

    /** Frees native resources; called once, with no call running. */
    void release() {
    }

    @Override
    public final void forward(float[] x, int batch, float[]... outs) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(outs, "outs");
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        if (outs.length > outputSizes.length) {
            throw new IllegalArgumentException(weights.describe() + " has " + outputSizes.length + " outputs "
                    + outputs() + ", got " + outs.length + " arrays");
        }
        if (outs.length == 0 || outs[0] == null) {
            throw new IllegalArgumentException("output 0 (" + outputs().get(0) + ") is required");
        }
        long need = (long) batch * inputSize;
        if (need > x.length) {
            throw new IllegalArgumentException(batch + " samples of " + inputSize + " floats need " + need + ", x holds " + x.length);
        }
        float[][] o = new float[outputSizes.length][];
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] != null && (long) batch * outputSizes[i] > outs[i].length) {
                throw new IllegalArgumentException(batch + " samples need " + (long) batch * outputSizes[i] + " floats of "
                        + outputs().get(i) + ", the array holds " + outs[i].length);
            }
            o[i] = outs[i];
        }
        Lock r = lock.readLock();
        r.lock();
        try {
            if (closed) {
                throw new IllegalStateException(weights.describe() + " network (" + implementation().id() + ") is closed");
            }
            if (batch > 0) {
                run(x, batch, o);
            }
        } finally {
            r.unlock();
        }
    }

    @Override
    public final void forward(FloatBuffer x, int batch, FloatBuffer... outs) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(outs, "outs");
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        if (outs.length > outputSizes.length) {
            throw new IllegalArgumentException(weights.describe() + " has " + outputSizes.length + " outputs "
                    + outputs() + ", got " + outs.length + " buffers");
        }
        if (outs.length == 0 || outs[0] == null) {
            throw new IllegalArgumentException("output 0 (" + outputs().get(0) + ") is required");
        }
        long need = (long) batch * inputSize;
        if (need > x.remaining()) {
            throw new IllegalArgumentException(batch + " samples of " + inputSize + " floats need " + need + ", x holds "
                    + x.remaining());
        }
        boolean direct = x.isDirect() && x.order() == ByteOrder.nativeOrder();
        FloatBuffer[] o = new FloatBuffer[outputSizes.length];
        for (int i = 0; i < outs.length; i++) {
            if (outs[i] == null) {
                continue;
            }
            if (outs[i].isReadOnly()) {
                throw new IllegalArgumentException("buffer for " + outputs().get(i) + " is read-only");
            }
            if ((long) batch * outputSizes[i] > outs[i].remaining()) {
                throw new IllegalArgumentException(batch + " samples need " + (long) batch * outputSizes[i] + " floats of "
                        + outputs().get(i) + ", the buffer holds " + outs[i].remaining());
            }
            direct &= outs[i].isDirect() && outs[i].order() == ByteOrder.nativeOrder();
            o[i] = outs[i];
        }
        Lock r = lock.readLock();
        r.lock();
        try {
            if (closed) {
                throw new IllegalStateException(weights.describe() + " network (" + implementation().id() + ") is closed");
            }
            if (batch == 0) {
                return;
            }
            if (direct) {
                runDirect(x, batch, o);
            } else {
                runCopying(x, batch, o);
            }
        } finally {
            r.unlock();
        }
    }

    static IllegalArgumentException notFinite(int row, int index) {
        return new IllegalArgumentException("sample row " + row + ", input index " + index + " is not finite");
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
        return weights.describe() + " on " + implementation().id();
    }
}

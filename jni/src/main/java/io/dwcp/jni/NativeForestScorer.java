package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCpu;
import io.dwcp.jni.internal.DwcpCuda;
import java.nio.DoubleBuffer;

/**
 * The C and CUDA scorers: a native handle (the forest in the kernels' layout, in host or GPU memory)
 * owned by this object and freed by {@link #close()}. Only primitives, arrays and direct buffers cross
 * JNI; status codes come back and {@link Status} turns them into exceptions.
 */
final class NativeForestScorer extends AbstractForestScorer {
    private final Implementation impl;
    private final long handle;

    NativeForestScorer(FlatForest forest, Implementation impl) {
        super(forest);
        this.impl = impl;
        Kernels.ensureAvailability(impl);
        long[] h = new long[1];
        int[] err = new int[Status.ERR_LEN];
        int status = impl == Implementation.CUDA
                ? DwcpCuda.dwcp_cuda_forest_create(forest.nFeatures(), forest.nTrees(), forest.nNodes(),
                        forest.treeStart(), forest.feature(), forest.threshold(), forest.left(), forest.right(),
                        forest.leafValue(), h, err)
                : DwcpCpu.dwcp_forest_create(forest.nFeatures(), forest.nTrees(), forest.nNodes(),
                        forest.treeStart(), forest.feature(), forest.threshold(), forest.left(), forest.right(),
                        forest.leafValue(), h, err);
        Status.checkForest(impl, "forest_create", status, err);
        this.handle = h[0];
    }

    @Override
    public Implementation implementation() {
        return impl;
    }

    @Override
    void pathSums(double[] rows, int n, double[] sums) {
        int[] err = new int[Status.ERR_LEN];
        int status;
        if (impl == Implementation.CUDA) {
            synchronized (this) { // the handle's device scratch buffers are shared
                status = DwcpCuda.dwcp_cuda_forest_path_sums(handle, rows, n, sums, err);
            }
        } else {
            status = DwcpCpu.dwcp_forest_path_sums(handle, rows, n, sums, err);
        }
        Status.checkForest(impl, "forest_path_sums", status, err);
    }

    @Override
    void pathSums(DoubleBuffer rows, int n, DoubleBuffer sums) {
        int[] err = new int[Status.ERR_LEN];
        int status;
        if (impl == Implementation.CUDA) {
            synchronized (this) {
                status = DwcpCuda.dwcp_cuda_forest_path_sums(handle, rows, n, sums, err);
            }
        } else {
            status = DwcpCpu.dwcp_forest_path_sums(handle, rows, n, sums, err);
        }
        Status.checkForest(impl, "forest_path_sums", status, err);
    }

    @Override
    void release() {
        if (impl == Implementation.CUDA) {
            DwcpCuda.dwcp_cuda_forest_destroy(handle);
        } else {
            DwcpCpu.dwcp_forest_destroy(handle);
        }
    }
}

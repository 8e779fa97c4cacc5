package io.dwcp.jni.internal;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code libdwcp_cuda.so}: the CUDA kernels when the build had nvcc, otherwise a stub
 * whose probe says why (see native/Makefile). The library links the CUDA runtime statically, so loading
 * it needs no toolkit and no driver; {@code dwcp_cuda_probe} is what finds out whether a GPU is usable.
 *
 * <p>Not API, see {@link DwcpCpu}. Only {@link io.dwcp.jni.NativeCuda} touches it first.
 */
@Platform(include = "dwcp_kernels.h", link = "dwcp_cuda")
public final class DwcpCuda {
    static {
        Loader.load();
    }

    private DwcpCuda() {
    }

    public static native int dwcp_cuda_probe(int[] deviceCount, int[] err, @Cast("char*") byte[] msg, int msgLen);

    public static native int dwcp_cuda_device(@Cast("char*") byte[] name, int nameLen, int[] cc, int[] err);

    public static native int dwcp_cuda_forest_create(int nFeatures, int nTrees, int nNodes, @Const int[] treeStart,
            @Const int[] feature, @Const double[] threshold, @Const int[] left, @Const int[] right,
            @Const double[] leafValue, @Cast("long long*") long[] handle, int[] err);

    public static native int dwcp_cuda_forest_path_sums(@Cast("long long") long handle, @Const double[] x, int n,
            double[] sums, int[] err);

    public static native int dwcp_cuda_forest_path_sums(@Cast("long long") long handle, @Const DoubleBuffer x,
            int n, DoubleBuffer sums, int[] err);

    public static native int dwcp_cuda_forest_destroy(@Cast("long long") long handle);
}

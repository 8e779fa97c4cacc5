package io.dwcp.jni.internal;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code libdwcp_cpu.so} (native/include/dwcp_kernels.h). The JavaCPP Maven plugin
 * generates the JNI glue ({@code libjniDwcpCpu.so}) from this class and packages both libraries under
 * {@code io/dwcp/jni/internal/linux-x86_64/}, where {@link Loader#load} finds and extracts them.
 *
 * <p>Not API: use {@link io.dwcp.jni.ForestScorer}. Touching this
 * class loads the native library and throws {@link UnsatisfiedLinkError} when that fails; only
 * {@link io.dwcp.jni.NativeCpu} may do so, inside its probe. Arrays are passed by JNI copy
 * ({@code Get<T>ArrayElements}); buffers must be direct and are read from their position.
 */
@Platform(include = "dwcp_kernels.h", link = "dwcp_cpu")
public final class DwcpCpu {
    static {
        Loader.load();
    }

    private DwcpCpu() {
    }

    public static native int dwcp_version();

    public static native int dwcp_setenv_default(String name, String value);

    public static native int dwcp_stderr_mute();

    public static native int dwcp_stderr_restore(int saved);

    public static native @Cast("long long") long dwcp_sched_slice(@Cast("unsigned long long") long sliceNanos);

    public static native int dwcp_sched_nice(int tid, int nice);

    public static native int dwcp_forest_create(int nFeatures, int nTrees, int nNodes, @Const int[] treeStart,
            @Const int[] feature, @Const double[] threshold, @Const int[] left, @Const int[] right,
            @Const double[] leafValue, @Cast("long long*") long[] handle, int[] err);

    public static native int dwcp_forest_path_sums(@Cast("long long") long handle, @Const double[] x, int n,
            double[] sums, int[] err);

    public static native int dwcp_forest_path_sums(@Cast("long long") long handle, @Const DoubleBuffer x, int n,
            DoubleBuffer sums, int[] err);

    public static native int dwcp_forest_destroy(@Cast("long long") long handle);
}

package io.dwcp.jni.internal;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code libdwcp_nets.so} (native/include/dwcp_nets.h): the four networks' forward
 * passes (issue 16). Not API: use {@link io.dwcp.jni.nets.Nets}. Touching this class loads the native
 * library and throws {@link UnsatisfiedLinkError} when that fails; only {@link io.dwcp.jni.nets.NativeNets}
 * may do so, inside its probe. Arrays are passed by JNI copy; buffers must be direct, read from their
 * position.
 */
@Platform(include = "dwcp_nets.h", link = "dwcp_nets")
public final class DwcpNets {
    static {
        Loader.load();
    }

    private DwcpNets() {
    }

    public static native int dwcp_nets_version();

    public static native int dwcp_nets_isa();

    public static native long dwcp_net_param_count(int kind, @Const int[] dims, int ndims);

    public static native int dwcp_net_create(int kind, @Const int[] dims, int ndims, @Const float[] params,
            long nparams, @Cast("long long*") long[] handle, int[] err);

    public static native int dwcp_net_io_sizes(@Cast("long long") long handle, int[] sizes4);

    public static native long dwcp_net_scratch_floats(@Cast("long long") long handle);

    public static native int dwcp_net_forward(@Cast("long long") long handle, @Const float[] x, int batch,
            float[] out0, float[] out1, float[] out2, FloatBuffer scratch, long scratchLen, int[] err);

    public static native int dwcp_net_forward(@Cast("long long") long handle, @Const FloatBuffer x, int batch,
            FloatBuffer out0, FloatBuffer out1, FloatBuffer out2, FloatBuffer scratch, long scratchLen, int[] err);

    public static native int dwcp_net_destroy(@Cast("long long") long handle);
}

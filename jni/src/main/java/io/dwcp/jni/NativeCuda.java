package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCuda;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.Loader;

/**
 * Availability of the CUDA kernels (libdwcp_cuda.so on GPU 0), in the style of Netty's {@code Epoll}.
 * The class initialiser loads the library (its CUDA runtime is linked statically, so this needs no
 * toolkit) and calls {@code cudaGetDeviceCount}; it never throws. Typical causes when unavailable:
 * the build had no nvcc (a stub library says so), no driver / no {@code libcuda.so.1}
 * ({@code cudaGetDeviceCount} returns 35, cudaErrorInsufficientDriver), no device (100), or a GPU older
 * than sm_75 (no kernel image).
 *
 * <p>Kill switches: {@code -Ddwcp.cuda.disable=true}, or {@code -Ddwcp.native.disable=true} for all native code.
 *
 * <p>Thread-safe (immutable after class initialisation).
 */
public final class NativeCuda {
    /** System property that, when {@code true}, keeps the CUDA library unloaded. */
    public static final String DISABLE_PROPERTY = "dwcp.cuda.disable";

    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final String DEVICE;

    static {
        Throwable cause = null;
        String device = null;
        if (KillSwitches.current().nativeDisabled()) {
            cause = new UnsupportedOperationException("CUDA kernels disabled by -D" + NativeCpu.DISABLE_PROPERTY + "=true");
        } else if (KillSwitches.current().cudaDisabled()) {
            cause = new UnsupportedOperationException("CUDA kernels disabled by -D" + DISABLE_PROPERTY + "=true");
        } else {
            try {
                Loader.load(DwcpCuda.class);
                int[] count = new int[1];
                int[] err = new int[Status.ERR_LEN];
                byte[] msg = new byte[256];
                int status = DwcpCuda.dwcp_cuda_probe(count, err, msg, msg.length);
                if (status != Status.OK) {
                    cause = new UnsupportedOperationException("CUDA unavailable: " + cString(msg));
                } else {
                    byte[] name = new byte[256];
                    int[] cc = new int[1];
                    if (DwcpCuda.dwcp_cuda_device(name, name.length, cc, err) == Status.OK) {
                        device = cString(name) + " (sm_" + cc[0] + ", " + count[0] + " device(s))";
                    } else {
                        device = "GPU 0 (" + count[0] + " device(s))";
                    }
                }
            } catch (Throwable t) { // never throw from here: report and let callers fall back
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
        DEVICE = device;
    }

    private NativeCuda() {
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why the CUDA kernels cannot be used, or {@code null} when they can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** The device the kernels run on, e.g. "NVIDIA H100 80GB HBM3 (sm_90, 1 device(s))", or null. */
    public static String device() {
        return DEVICE;
    }

    /** @throws UnsatisfiedLinkError with the cause attached when the CUDA kernels are unavailable */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("CUDA kernels unavailable: "
                    + UNAVAILABILITY_CAUSE.getMessage()).initCause(UNAVAILABILITY_CAUSE);
        }
    }
}

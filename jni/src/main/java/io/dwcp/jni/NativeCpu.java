package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCpu;
import org.bytedeco.javacpp.Loader;

/**
 * Availability of the C kernels (libdwcp_cpu.so), in the style of Netty's {@code Epoll}: ask
 * {@link #isAvailable()}, then fall back; {@link #unavailabilityCause()} says why not. The library is
 * loaded once, by this class's initialiser, which never throws.
 *
 * <p>Kill switch: {@code -Ddwcp.native.disable=true} skips loading any native library (C and CUDA).
 *
 * <p>Thread-safe (immutable after class initialisation).
 */
public final class NativeCpu {
    /** System property that, when {@code true}, keeps every native library unloaded. */
    public static final String DISABLE_PROPERTY = "dwcp.native.disable";
    /** The native ABI version this Java code speaks (DWCP_VERSION in dwcp_kernels.h). */
    static final int EXPECTED_VERSION = 1;

    private static final Throwable UNAVAILABILITY_CAUSE;

    static {
        Throwable cause = null;
        if (KillSwitches.current().nativeDisabled()) {
            cause = new UnsupportedOperationException("C kernels disabled by -D" + DISABLE_PROPERTY + "=true");
        } else {
            try {
                Loader.load(DwcpCpu.class);
                int v = DwcpCpu.dwcp_version();
                if (v != EXPECTED_VERSION) {
                    cause = new UnsupportedOperationException("libdwcp_cpu.so speaks ABI version " + v + ", this jar "
                            + EXPECTED_VERSION);
                }
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ...: report, never throw here
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
    }

    private NativeCpu() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why the C kernels cannot be used, or {@code null} when they can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** @throws UnsatisfiedLinkError with the cause attached when the C kernels are unavailable */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("C kernels (libdwcp_cpu.so) unavailable: "
                    + UNAVAILABILITY_CAUSE).initCause(UNAVAILABILITY_CAUSE);
        }
    }
}

package io.dwcp.jni.nets;

import io.dwcp.jni.NativeCpu;
import io.dwcp.jni.internal.DwcpNets;
import org.bytedeco.javacpp.Loader;

/**
 * Availability of the networks' C kernels (libdwcp_nets.so), in the style of Netty's {@code Epoll}: ask
 * {@link #isAvailable()}, then fall back to {@link io.dwcp.jni.Implementation#JAVA}. The library is loaded
 * once, by this class's initialiser, which never throws.
 *
 * <p>Kill switches: {@code -Ddwcp.native.disable=true} (every native library, as {@link NativeCpu}) and
 * {@code -Ddwcp.nets.native.disable=true} (only this one).
 *
 * <p>Thread-safe (immutable after class initialisation).
 */
public final class NativeNets {
    /** System property that, when {@code true}, keeps libdwcp_nets.so unloaded. */
    public static final String DISABLE_PROPERTY = "dwcp.nets.native.disable";
    /** DWCP_NETS_VERSION in dwcp_nets.h. */
    static final int EXPECTED_VERSION = 1;

    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final String ISA;

    static {
        Throwable cause = null;
        String isa = null;
        if (io.dwcp.jni.KillSwitches.current().nativeDisabled()) {
            cause = new UnsupportedOperationException("native networks disabled by -D" + NativeCpu.DISABLE_PROPERTY + "=true");
        } else if (io.dwcp.jni.KillSwitches.current().netsDisabled()) {
            cause = new UnsupportedOperationException("native networks disabled by -D" + DISABLE_PROPERTY + "=true");
        } else {
            try {
                Loader.load(DwcpNets.class);
                int v = DwcpNets.dwcp_nets_version();
                if (v != EXPECTED_VERSION) {
                    cause = new UnsupportedOperationException("libdwcp_nets.so speaks ABI version " + v + ", this jar "
                            + EXPECTED_VERSION);
                } else {
                    isa = switch (DwcpNets.dwcp_nets_isa()) {
                        case 3 -> "avx512";
                        case 2 -> "avx2";
                        default -> "scalar";
                    };
                }
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ...: report, never throw here
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
        ISA = isa;
    }

    private NativeNets() {
    }

    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why the C networks cannot be used, or {@code null} when they can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** @throws UnsatisfiedLinkError with the cause attached when the C networks are unavailable */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (UnsatisfiedLinkError) new UnsatisfiedLinkError("native networks (libdwcp_nets.so) unavailable: "
                    + UNAVAILABILITY_CAUSE).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** The instruction set the kernels chose on this CPU (scalar, avx2, avx512), or null when unavailable. */
    public static String isa() {
        return ISA;
    }
}

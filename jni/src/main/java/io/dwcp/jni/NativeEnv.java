package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCpu;

/**
 * The process environment as native libraries see it. The JVM cannot set an environment variable, but a
 * native library loaded later (TensorFlow) reads its settings with getenv(3): this sets them through our C
 * library. Call at start, before those libraries load. Never throws.
 */
public final class NativeEnv {
    private NativeEnv() {}

    /**
     * Sets {@code name=value} unless the variable is already set (the operator's value wins).
     *
     * @return whether the variable now has a value set by someone; false when the C library is unavailable
     */
    public static boolean setDefault(String name, String value) {
        if (System.getenv(name) != null) {
            return true;
        }
        if (!NativeCpu.isAvailable()) {
            return false;
        }
        try {
            return DwcpCpu.dwcp_setenv_default(name, value) == 0;
        } catch (Throwable t) { // LinkageError from an older library: report as not set
            if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
                throw vme;
            }
            return false;
        }
    }
}

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

    /**
     * Runs {@code action} with the process's stderr (file descriptor 2, native code's and the JVM's alike) sent
     * to /dev/null, then restores it; runs it unmuted when the C library is unavailable. For native libraries
     * that print while they initialise whatever their log level says.
     */
    public static <T> T muteStderr(java.util.function.Supplier<T> action) {
        int saved = -1;
        if (NativeCpu.isAvailable()) {
            System.err.flush();
            try {
                saved = DwcpCpu.dwcp_stderr_mute();
            } catch (LinkageError e) {
                saved = -1;
            }
        }
        try {
            return action.get();
        } finally {
            if (saved >= 0) {
                System.err.flush();
                DwcpCpu.dwcp_stderr_restore(saved);
            }
        }
    }
}

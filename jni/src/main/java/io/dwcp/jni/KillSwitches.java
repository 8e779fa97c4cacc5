package io.dwcp.jni;

/**
 * The native code's kill switches, read once from system properties (the one place they are read; the
 * availability probes and the kernel ranking use these values):
 * <ul>
 *   <li>{@code -Ddwcp.native.disable=true}: load no native library at all (pure Java everywhere);</li>
 *   <li>{@code -Ddwcp.cuda.disable=true}: no CUDA kernels;</li>
 *   <li>{@code -Ddwcp.nets.native.disable=true}: no C networks (the pure-Java ones serve);</li>
 *   <li>{@code -Ddwcp.kernels=cuda|c|java}: pin the forest kernel.</li>
 * </ul>
 * Immutable.
 */
public record KillSwitches(boolean nativeDisabled, boolean cudaDisabled, boolean netsDisabled, String pinnedKernel) {
    public static final String NATIVE = "dwcp.native.disable";
    public static final String CUDA = "dwcp.cuda.disable";
    public static final String NETS = "dwcp.nets.native.disable";
    public static final String KERNELS = "dwcp.kernels";

    private static final KillSwitches CURRENT = new KillSwitches(Boolean.getBoolean(NATIVE), Boolean.getBoolean(CUDA),
            Boolean.getBoolean(NETS), System.getProperty(KERNELS));

    /** The values this JVM started with. */
    public static KillSwitches current() {
        return CURRENT;
    }

    @Override
    public String toString() {
        return NATIVE + "=" + nativeDisabled + ", " + CUDA + "=" + cudaDisabled + ", " + NETS + "=" + netsDisabled + ", "
                + KERNELS + "=" + (pinnedKernel == null ? "(unset)" : pinnedKernel);
    }
}

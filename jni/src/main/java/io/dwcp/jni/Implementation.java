package io.dwcp.jni;

import java.util.Locale;

/**
 * Which code runs a kernel, best first: {@link #CUDA} &gt; {@link #C} &gt; {@link #JAVA}. {@link #JAVA} is
 * the reference the others are tested against and is always available.
 */
public enum Implementation {
    /** The CUDA kernels of libdwcp_cuda.so on GPU 0. */
    CUDA,
    /** The C kernels of libdwcp_cpu.so. */
    C,
    /** Pure Java; the reference implementation. */
    JAVA;

    /**
     * Parses a configuration value ({@code cuda}, {@code c}, {@code java}, any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Implementation parse(String value) {
        if (value != null) {
            for (Implementation i : values()) {
                if (i.name().equalsIgnoreCase(value.trim())) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unknown kernel implementation '" + value + "', expected one of cuda, c, java");
    }

    /** Lower-case name as used in configuration and logs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

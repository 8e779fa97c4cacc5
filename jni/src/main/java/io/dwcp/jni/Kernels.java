package io.dwcp.jni;

import java.util.EnumMap;
import java.util.Map;

/**
 * Chooses among the kernel implementations: CUDA &gt; C &gt; Java, the first available one, and says why
 * the others were skipped (DJL's engine selection; Netty's availability probes underneath).
 *
 * <p>{@code -Ddwcp.kernels=cuda|c|java} pins the choice; pinning an unavailable implementation is an
 * error at {@link #selected()} rather than a silent fallback, and an unknown name is an error naming it.
 *
 * <p>Thread-safe; nothing here loads a library except through the probes' class initialisers.
 */
public final class Kernels {
    /** System property that pins the implementation. */
    public static final String PROPERTY = "dwcp.kernels";

    private Kernels() {
    }

    public static boolean isAvailable(Implementation impl) {
        return unavailabilityCause(impl) == null;
    }

    /** Why {@code impl} cannot be used, or {@code null} when it can ({@link Implementation#JAVA} always can). */
    public static Throwable unavailabilityCause(Implementation impl) {
        return switch (impl) {
            case CUDA -> NativeCuda.unavailabilityCause();
            case C -> NativeCpu.unavailabilityCause();
            case JAVA -> null;
        };
    }

    /** @throws UnsatisfiedLinkError (with the cause) when {@code impl} is unavailable */
    public static void ensureAvailability(Implementation impl) {
        switch (impl) {
            case CUDA -> NativeCuda.ensureAvailability();
            case C -> NativeCpu.ensureAvailability();
            case JAVA -> { }
        }
    }

    /** The best available implementation, ignoring {@value #PROPERTY}. */
    public static Implementation best() {
        for (Implementation i : Implementation.values()) {
            if (isAvailable(i)) {
                return i;
            }
        }
        return Implementation.JAVA;
    }

    /**
     * The implementation to use: {@value #PROPERTY} when set (it must be available), else {@link #best()}.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws UnsatisfiedLinkError when the pinned implementation is unavailable
     */
    public static Implementation selected() {
        String pinned = KillSwitches.current().pinnedKernel();
        if (pinned == null || pinned.isBlank()) {
            return best();
        }
        Implementation i = Implementation.parse(pinned);
        ensureAvailability(i);
        return i;
    }

    /** Every implementation with {@code null} (available) or the reason it is not. */
    public static Map<Implementation, String> reasons() {
        Map<Implementation, String> m = new EnumMap<>(Implementation.class);
        for (Implementation i : Implementation.values()) {
            Throwable t = unavailabilityCause(i);
            m.put(i, t == null ? null : describe(t));
        }
        return m;
    }

    /**
     * One line for the startup log, e.g. {@code "kernels: c (cuda skipped: CUDA unavailable: cudaGetDeviceCount
     * returned 35 (cudaErrorInsufficientDriver: ...))"}.
     */
    public static String describe() {
        Implementation best = best();
        StringBuilder sb = new StringBuilder("kernels: ").append(best.id());
        if (best == Implementation.CUDA) {
            sb.append(" on ").append(NativeCuda.device());
        }
        for (Implementation i : Implementation.values()) {
            if (i.ordinal() < best.ordinal()) {
                sb.append(" (").append(i.id()).append(" skipped: ").append(describe(unavailabilityCause(i))).append(')');
            }
        }
        return sb.toString();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.toString() : (t instanceof UnsupportedOperationException ? m : t.getClass().getSimpleName() + ": " + m);
    }
}

package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCpu;

/**
 * Per-thread scheduling through our C library, for what the JVM cannot ask of Linux: a shorter EEVDF slice for
 * the calling thread (Linux 6.12+), and the nice value of another thread of this process (the JIT's compiler
 * threads, which run no Java code of ours). Issue 16: the agent's latency path is four thread hand-offs per
 * sample, and each hand-off can wait out whatever else holds the core for its whole slice.
 *
 * <p>Best effort: never throws; every outcome, including "the library is not there" and "this kernel has no
 * per-thread slice", comes back as an {@link Outcome} for the caller to log.
 */
public final class NativeThreads {
    private static final int ENOTSUP = 95;

    private NativeThreads() {
    }

    /** What a request did: {@code applied}, and in {@code detail} what is in force now or why nothing changed. */
    public record Outcome(boolean applied, String detail) {
        static Outcome no(String detail) {
            return new Outcome(false, detail);
        }
    }

    /**
     * Asks for a scheduler slice of {@code sliceNanos} for the calling thread (the kernel clamps it to
     * 0.1–100 ms); the thread keeps its policy and nice value, and gains no CPU share, only earlier preemption
     * of a thread with a longer slice when it wakes.
     */
    public static Outcome requestSlice(long sliceNanos) {
        if (sliceNanos <= 0) {
            throw new IllegalArgumentException("slice must be > 0 ns, got " + sliceNanos);
        }
        if (!NativeCpu.isAvailable()) {
            return Outcome.no("C library unavailable: " + NativeCpu.unavailabilityCause());
        }
        long r;
        try {
            r = DwcpCpu.dwcp_sched_slice(sliceNanos);
        } catch (LinkageError e) { // an older libdwcp_cpu.so without the symbol
            return Outcome.no("C library has no dwcp_sched_slice: " + e);
        }
        if (r > 0) {
            return new Outcome(true, "slice " + r / 1000 + " µs");
        }
        if (r == 0) {
            return Outcome.no("this kernel has no per-thread slice (EEVDF custom slices need Linux 6.12+)");
        }
        if (r == -ENOTSUP) {
            return Outcome.no("thread policy is not SCHED_OTHER; left as set");
        }
        return Outcome.no("sched_setattr failed: errno " + -r);
    }

    /** Sets the nice value of thread {@code tid} of this process (a lower one than it has needs CAP_SYS_NICE). */
    public static Outcome nice(int tid, int nice) {
        if (!NativeCpu.isAvailable()) {
            return Outcome.no("C library unavailable: " + NativeCpu.unavailabilityCause());
        }
        int r;
        try {
            r = DwcpCpu.dwcp_sched_nice(tid, nice);
        } catch (LinkageError e) {
            return Outcome.no("C library has no dwcp_sched_nice: " + e);
        }
        return r == 0 ? new Outcome(true, "nice " + nice) : Outcome.no("setpriority failed: errno " + -r);
    }
}

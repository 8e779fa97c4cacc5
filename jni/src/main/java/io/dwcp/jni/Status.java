package io.dwcp.jni;

/**
 * Native status codes (native/include/dwcp_kernels.h) and their translation into typed Java exceptions,
 * so that no implementation's failure looks different from another's. Callers validate arguments before
 * crossing JNI; the native checks are the second line.
 */
final class Status {
    static final int OK = 0;
    static final int ERR_ARG = -1;
    static final int ERR_NAN = -2;
    static final int ERR_NOMEM = -3;
    static final int ERR_FOREST = -4;
    static final int ERR_CUDA = -7;
    static final int ERR_NO_CUDA = -8;
    static final int ERR_CLOSED = -9;
    /** ints every native {@code err} argument needs */
    static final int ERR_LEN = 4;

    private Status() {
    }

    static IllegalArgumentException nanInRows(int row, int column) {
        return new IllegalArgumentException("sample row " + row + ", column " + column + " is NaN");
    }

    /** Throws the exception for a forest-kernel status; returns normally on {@link #OK}. */
    static void checkForest(Implementation impl, String what, int status, int[] err) {
        if (status == OK) {
            return;
        }
        switch (status) {
            case ERR_NAN -> throw nanInRows(err[0], err[1]);
            case ERR_FOREST -> throw new IllegalArgumentException("forest rejected by " + impl.id() + " kernel at "
                    + (err[1] == 1 ? "tree " : "node ") + err[0]);
            default -> throw common(impl, what, status, err);
        }
    }

    private static RuntimeException common(Implementation impl, String what, int status, int[] err) {
        return switch (status) {
            case ERR_ARG -> new IllegalArgumentException(impl.id() + " " + what + ": argument " + err[0] + " out of range");
            case ERR_CLOSED -> new IllegalStateException(impl.id() + " " + what + ": native handle is closed");
            case ERR_NOMEM -> new KernelException(impl, status, what + ": native memory allocation failed");
            case ERR_CUDA -> new KernelException(impl, status, what + ": CUDA error " + err[0]);
            case ERR_NO_CUDA -> new KernelException(impl, status, what + ": library built without CUDA");
            default -> new KernelException(impl, status, what + ": unknown status");
        };
    }
}

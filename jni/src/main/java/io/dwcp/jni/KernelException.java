package io.dwcp.jni;

/**
 * A native kernel failed for a reason that is not the caller's input: a CUDA runtime error, a failed
 * native allocation, or a status code this Java code does not know (a library of another version).
 * Input errors are {@link IllegalArgumentException}s and use of a closed object is an
 * {@link IllegalStateException}, whatever the implementation.
 */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Implementation implementation;
    private final int status;

    public KernelException(Implementation implementation, int status, String message) {
        super(implementation.id() + ": " + message + " (status " + status + ")");
        this.implementation = implementation;
        this.status = status;
    }

    public Implementation implementation() {
        return implementation;
    }

    /** The native status code (see native/include/dwcp_kernels.h). */
    public int status() {
        return status;
    }
}

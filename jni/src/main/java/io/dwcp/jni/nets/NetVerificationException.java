package io.dwcp.jni.nets;

/**
 * A network did not reproduce its weights file's golden outputs (or its reference) within the tolerance,
 * and was refused. The message names the model, the kind, the implementation and the worst difference.
 */
public final class NetVerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final double maxDiff;

    public NetVerificationException(String model, String message, double maxDiff) {
        super(message);
        this.model = model;
        this.maxDiff = maxDiff;
    }

    /** The refused network's model name (e.g. bandwidth). */
    public String model() {
        return model;
    }

    public double maxDiff() {
        return maxDiff;
    }
}

package io.dwcp.agent.inference;

import java.util.Locale;

/**
 * Tells a device failure (GPU lost, out of device memory, CUDA/cuDNN errors) from a model or input error.
 * Only the former moves a model to CPU: retrying a bad input elsewhere would just fail twice.
 */
public final class DeviceErrors {
    private static final String[] MARKERS = {
        "cuda", "cudnn", "cublas", "gpu", "out of memory", "oom when allocating", "resource exhausted",
        "resourceexhausted", "device lost", "ecc error", "driver", "xla:gpu"
    };

    private DeviceErrors() {}

    /** Thrown by our own code (and tests) to signal a device failure explicitly. */
    public static final class DeviceException extends RuntimeException {
        public DeviceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static boolean isDeviceError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DeviceException || c instanceof OutOfMemoryError && !(c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains("java heap"))) {
                return true;
            }
            String n = c.getClass().getSimpleName();
            if (n.equals("TFResourceExhaustedException") || n.equals("TFUnavailableException")) {
                return true;
            }
            String m = c.getMessage();
            if (m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                for (String k : MARKERS) {
                    if (lower.contains(k)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

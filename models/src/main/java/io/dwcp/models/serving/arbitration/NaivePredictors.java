package io.dwcp.models.serving.arbitration;

/**
 * The naive next-value predictors the forecaster must beat, on a window of past values (oldest first):
 * last value, harmonic mean of the last 5 (pensieve's robust-MPC predictor), and an exponentially weighted
 * moving average with {@link #EWMA_ALPHA} started at the window's first value. Stateless, thread-safe.
 */
public final class NaivePredictors {
    private NaivePredictors() {}

    /** EWMA weight of the newest value (fixed, not tuned on any test data). */
    public static final double EWMA_ALPHA = 0.5;

    /** Candidate names as the arbiter and reports use them. */
    public static final String MODEL = "model", LAST_VALUE = "last_value", HARMONIC_MEAN5 = "harmonic_mean5",
            EWMA = "ewma";

    public static double lastValue(double[] v) {
        return v[v.length - 1];
    }

    /** Harmonic mean of the last {@code k} values (each floored at 1e-6). */
    public static double harmonicMean(double[] v, int k) {
        double inv = 0;
        int n = 0;
        for (int i = Math.max(0, v.length - k); i < v.length; i++) {
            inv += 1.0 / Math.max(v[i], 1e-6);
            n++;
        }
        return n / inv;
    }

    public static double ewma(double[] v, double alpha) {
        double e = v[0];
        for (int i = 1; i < v.length; i++) e = alpha * v[i] + (1 - alpha) * e;
        return e;
    }

    /** {@code [last value, harmonic mean of 5, EWMA]} of the window. */
    public static double[] all(double[] v) {
        return new double[] {lastValue(v), harmonicMean(v, 5), ewma(v, EWMA_ALPHA)};
    }
}

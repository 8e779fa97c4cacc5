package io.dwcp.models.features;

/**
 * The degradation forecaster's baseline: a least-squares line through the last {@code fit} steps of each
 * SLO-headroom coordinate ({@link DegradationFeatures}), extrapolated over the horizon. Its breach score is
 * the highest extrapolated headroom over the horizon and the three metrics, averaged over the SLO check's
 * smoothing span: positive means the trend crosses the SLO within the horizon. Pure functions, thread-safe.
 */
public final class TrendExtrapolation {
    private TrendExtrapolation() {}

    public static final int FIT = 20;

    /** Forecast [horizon][3] in headroom coordinates from a flat [steps × 5] headroom window. */
    public static float[][] forecast(float[] x, int steps, int horizon) {
        int f = DegradationFeatures.FEATURES, n = Math.min(FIT, steps);
        float[][] out = new float[horizon][DegradationFeatures.TARGETS];
        for (int k = 0; k < DegradationFeatures.TARGETS; k++) {
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (int i = 0; i < n; i++) {
                double t = i, y = x[(steps - n + i) * f + k];
                sx += t;
                sy += y;
                sxx += t * t;
                sxy += t * y;
            }
            double den = n * sxx - sx * sx;
            double b = den > 0 ? (n * sxy - sx * sy) / den : 0;
            double a = (sy - b * sx) / n;
            for (int h = 0; h < horizon; h++) out[h][k] = (float) (a + b * (n - 1 + h + 1));
        }
        return out;
    }

    /** Breach score of a headroom forecast: max over metrics and horizon of the mean over 5 steps ending there. */
    public static double score(float[][] fc) {
        double best = Double.NEGATIVE_INFINITY;
        int span = 5;
        for (int k = 0; k < fc[0].length; k++) {
            for (int h = 0; h < fc.length; h++) {
                double s = 0;
                int from = Math.max(0, h - span + 1);
                for (int i = from; i <= h; i++) s += fc[i][k];
                best = Math.max(best, s / (h - from + 1));
            }
        }
        return best;
    }
}

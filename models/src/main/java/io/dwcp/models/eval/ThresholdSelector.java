package io.dwcp.models.eval;

import java.util.Arrays;

/**
 * Chooses an anomaly threshold from <em>validation</em> scores. The signatures take one labelled score
 * set and nothing else on purpose: trainers hand it their validation split, so the test split cannot
 * influence a threshold (the seed pipeline tuned its latency threshold on the test set). "score >=
 * threshold" means anomaly. Pure functions, thread-safe.
 */
public final class ThresholdSelector {
    private ThresholdSelector() {}

    /**
     * Highest threshold whose validation recall is at least {@code minRecall} and whose FPR is at most
     * {@code maxFpr}; if no threshold satisfies both, the lowest threshold with FPR ≤ {@code maxFpr}
     * (recall is then below target and the report says so).
     */
    public static double recallFirst(double[] scores, boolean[] labels, double minRecall, double maxFpr) {
        double[] cand = candidates(scores);
        double bestOk = Double.NaN;
        double lowestFprOk = Double.NaN;
        for (double t : cand) { // ascending
            Metrics.Confusion c = Metrics.confusion(scores, labels, t);
            if (c.fpr() <= maxFpr) {
                if (Double.isNaN(lowestFprOk)) lowestFprOk = t;
                if (c.recall() >= minRecall) bestOk = t;
            }
        }
        if (!Double.isNaN(bestOk)) return bestOk;
        if (!Double.isNaN(lowestFprOk)) return lowestFprOk;
        return cand[cand.length - 1];
    }

    /** Threshold maximising detection accuracy (precision + recall) / 2, ties to the higher threshold. */
    public static double maxDetectionAccuracy(double[] scores, boolean[] labels) {
        double best = Double.NEGATIVE_INFINITY, bestT = Double.NaN;
        for (double t : candidates(scores)) {
            Metrics.Confusion c = Metrics.confusion(scores, labels, t);
            double v = c.detectionAccuracy();
            if (v >= best) {
                best = v;
                bestT = t;
            }
        }
        return bestT;
    }

    /** Threshold maximising F1, ties to the higher threshold. */
    public static double maxF1(double[] scores, boolean[] labels) {
        double best = Double.NEGATIVE_INFINITY, bestT = Double.NaN;
        for (double t : candidates(scores)) {
            double v = Metrics.confusion(scores, labels, t).f1();
            if (v >= best) {
                best = v;
                bestT = t;
            }
        }
        return bestT;
    }

    /** Unsupervised: the {@code q}-quantile of (normal) validation scores times {@code margin}. */
    public static double quantile(double[] scores, double q, double margin) {
        double[] s = scores.clone();
        Arrays.sort(s);
        return io.dwcp.models.features.Scaler.quantile(s, q) * margin;
    }

    /** Distinct score values ascending (each is a candidate "score >= t" cut). */
    static double[] candidates(double[] scores) {
        double[] s = scores.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[n - 1]) s[n++] = s[i];
        }
        return Arrays.copyOf(s, n);
    }
}

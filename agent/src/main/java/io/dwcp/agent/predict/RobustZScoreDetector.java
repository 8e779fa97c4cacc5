package io.dwcp.agent.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Robust z-score (Iglewicz–Hoaglin modified z = 0.6745·(x − median)/MAD) of the newest vector against the
 * earlier rows of its window, per feature; the verdict is the worst feature. Medians and MADs, not means
 * and standard deviations, so one earlier spike does not mask the next. The fallback detector for node
 * reliability and consensus latency when no trained model loads.
 *
 * <p>Severity: warning at |z| ≥ threshold (3.5 by default, the textbook cut-off), critical at 2×,
 * emergency at 5×. Features whose history is constant (MAD 0) count only if the new value differs, with
 * deviation set to the threshold times the relative jump. Stateless, safe for concurrent calls.
 */
public final class RobustZScoreDetector implements Predictor<float[][], AnomalyVerdict> {
    private final double threshold;
    private final int minHistory;

    public RobustZScoreDetector(double threshold, int minHistory) {
        if (!(threshold > 0) || minHistory < 2) {
            throw new IllegalArgumentException("threshold must be > 0 and minHistory >= 2");
        }
        this.threshold = threshold;
        this.minHistory = minHistory;
    }

    @Override
    public String name() {
        return "baseline-robust-z";
    }

    @Override
    public String version() {
        return "1";
    }

    public double threshold() {
        return threshold;
    }

    @Override
    public List<AnomalyVerdict> predictBatch(List<float[][]> windows) {
        List<AnomalyVerdict> out = new ArrayList<>(windows.size());
        for (float[][] w : windows) {
            out.add(judge(w));
        }
        return out;
    }

    /** Per-feature |z| of the newest row; NaN entries where history is too short. */
    public double[] zScores(float[][] w) {
        int n = w.length - 1;
        int f = w[0].length;
        double[] z = new double[f];
        if (n < minHistory) {
            java.util.Arrays.fill(z, Double.NaN);
            return z;
        }
        double[] col = new double[n];
        for (int j = 0; j < f; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = w[i][j];
            }
            double med = Stats.median(col, n);
            double mad = Stats.mad(col, n, med);
            double x = w[n][j];
            if (mad > 1e-12) {
                z[j] = Math.abs(0.6745 * (x - med) / mad);
            } else {
                double rel = Math.abs(x - med) / Math.max(Math.abs(med), 1e-9);
                z[j] = rel > 1e-6 ? threshold * Math.min(rel, 100) : 0;
            }
        }
        return z;
    }

    public AnomalyVerdict judge(float[][] w) {
        double[] z = zScores(w);
        int n = w.length - 1;
        int worst = 0;
        for (int j = 1; j < z.length; j++) {
            if (z[j] > z[worst]) {
                worst = j;
            }
        }
        double zw = z[worst];
        if (Double.isNaN(zw)) {
            return new AnomalyVerdict(false, 0, worst, w[n][worst], w[n][worst], 0, Severity.NONE, 0);
        }
        double[] col = new double[n];
        for (int i = 0; i < n; i++) {
            col[i] = w[i][worst];
        }
        double expected = Stats.median(col, n);
        Severity sev = Severity.ofRatio(zw / threshold);
        // Map |z| to (0,1): threshold → 0.5, so the score reads like a probability-ish anomaly level.
        double score = zw / (zw + threshold);
        double confidence = Stats.clamp01(Math.min(1.0, (double) n / (4.0 * minHistory)) * (sev == Severity.NONE
                ? 1 - score : score));
        return new AnomalyVerdict(sev != Severity.NONE, score, worst, w[n][worst], expected, zw, sev, confidence);
    }
}

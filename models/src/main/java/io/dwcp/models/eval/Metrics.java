package io.dwcp.models.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The metrics every report uses, written once so the figures in the reports mean the same thing
 * everywhere. Scores are "higher = more anomalous"; labels {@code true} = anomaly/positive. Pure functions,
 * thread-safe.
 */
public final class Metrics {
    private Metrics() {}

    public static double pearson(double[] a, double[] b) {
        same(a, b);
        double ma = mean(a), mb = mean(b);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** Mean absolute percentage error in percent; rows whose actual is 0 are skipped. */
    public static double mape(double[] actual, double[] predicted) {
        double[] ape = ape(actual, predicted);
        return ape.length == 0 ? Double.NaN : mean(ape);
    }

    /** Median absolute percentage error in percent; rows whose actual is 0 are skipped. */
    public static double medianApe(double[] actual, double[] predicted) {
        double[] ape = ape(actual, predicted);
        return ape.length == 0 ? Double.NaN : median(ape);
    }

    /** Absolute percentage errors (percent) of the rows with a non-zero actual. */
    public static double[] ape(double[] actual, double[] predicted) {
        same(actual, predicted);
        double[] out = new double[actual.length];
        int n = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != 0) out[n++] = 100.0 * Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]);
        }
        return Arrays.copyOf(out, n);
    }

    public static double mae(double[] a, double[] b) {
        same(a, b);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length;
    }

    public static double rmse(double[] a, double[] b) {
        same(a, b);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }

    public static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    public static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** ROC-AUC by the rank-sum (Mann-Whitney) formula; ties count one half. */
    public static double rocAuc(double[] scores, boolean[] labels) {
        same(scores, labels.length);
        Integer[] idx = order(scores);
        double[] rank = new double[scores.length];
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && scores[idx[j + 1]] == scores[idx[i]]) j++;
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) rank[idx[k]] = r;
            i = j + 1;
        }
        long pos = 0, neg = 0;
        double sum = 0;
        for (int k = 0; k < labels.length; k++) {
            if (labels[k]) {
                pos++;
                sum += rank[k];
            } else {
                neg++;
            }
        }
        if (pos == 0 || neg == 0) return Double.NaN;
        return (sum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * PR-AUC as average precision (scikit-learn's {@code average_precision_score}): the sum over distinct
     * thresholds of (recall step) × precision at that threshold.
     */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        same(scores, labels.length);
        Integer[] idx = order(scores);
        long pos = 0;
        for (boolean l : labels) if (l) pos++;
        if (pos == 0) return Double.NaN;
        double ap = 0, prevRecall = 0;
        long tp = 0, fp = 0;
        for (int i = idx.length - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && scores[idx[j - 1]] == scores[idx[i]]) j--;
            for (int k = j; k <= i; k++) {
                if (labels[idx[k]]) tp++; else fp++;
            }
            double recall = (double) tp / pos;
            double precision = (double) tp / (tp + fp);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /** ROC points (fpr, tpr) from the highest threshold down, starting at (0,0). */
    public static List<double[]> rocCurve(double[] scores, boolean[] labels) {
        return curve(scores, labels, true);
    }

    /** Precision-recall points (recall, precision) from the highest threshold down. */
    public static List<double[]> prCurve(double[] scores, boolean[] labels) {
        return curve(scores, labels, false);
    }

    private static List<double[]> curve(double[] scores, boolean[] labels, boolean roc) {
        Integer[] idx = order(scores);
        long pos = 0, neg = 0;
        for (boolean l : labels) if (l) pos++; else neg++;
        List<double[]> pts = new ArrayList<>();
        if (roc) pts.add(new double[] {0, 0});
        long tp = 0, fp = 0;
        for (int i = idx.length - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && scores[idx[j - 1]] == scores[idx[i]]) j--;
            for (int k = j; k <= i; k++) {
                if (labels[idx[k]]) tp++; else fp++;
            }
            if (roc) {
                pts.add(new double[] {neg == 0 ? 0 : (double) fp / neg, pos == 0 ? 0 : (double) tp / pos});
            } else {
                pts.add(new double[] {pos == 0 ? 0 : (double) tp / pos, (double) tp / (tp + fp)});
            }
            i = j - 1;
        }
        return pts;
    }

    /** Confusion counts when "score >= threshold" means positive. */
    public static Confusion confusion(double[] scores, boolean[] labels, double threshold) {
        same(scores, labels.length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean p = scores[i] >= threshold;
            if (p && labels[i]) tp++;
            else if (p) fp++;
            else if (labels[i]) fn++;
            else tn++;
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /** Confusion counts from predicted labels. */
    public static Confusion confusion(boolean[] predicted, boolean[] labels) {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] && labels[i]) tp++;
            else if (predicted[i]) fp++;
            else if (labels[i]) fn++;
            else tn++;
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /** Fraction of equal entries. */
    public static double agreement(int[] a, int[] b) {
        same(a.length, b.length);
        int eq = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == b[i]) eq++;
        return (double) eq / a.length;
    }

    /** Multi-class confusion matrix [actual][predicted]. */
    public static long[][] confusionMatrix(int[] actual, int[] predicted, int classes) {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
        return m;
    }

    private static Integer[] order(double[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble(k -> scores[k]));
        return idx;
    }

    private static void same(double[] a, double[] b) {
        same(a.length, b.length);
    }

    private static void same(double[] a, int n) {
        same(a.length, n);
    }

    private static void same(int a, int b) {
        if (a != b) throw new IllegalArgumentException("lengths differ: " + a + " vs " + b);
        if (a == 0) throw new IllegalArgumentException("empty input");
    }

    /** Binary confusion counts with the derived rates; immutable. */
    public record Confusion(long tp, long fp, long tn, long fn) {
        public double precision() { return tp + fp == 0 ? 0 : (double) tp / (tp + fp); }
        public double recall() { return tp + fn == 0 ? 0 : (double) tp / (tp + fn); }
        public double fpr() { return fp + tn == 0 ? 0 : (double) fp / (fp + tn); }
        public double f1() {
            double p = precision(), r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        public double accuracy() { return (double) (tp + tn) / (tp + tn + fp + fn); }
        /** The design's "detection accuracy": (precision + recall) / 2. */
        public double detectionAccuracy() { return (precision() + recall()) / 2; }
        /** [[TN, FP], [FN, TP]] as scikit-learn prints it. */
        public long[][] matrix() { return new long[][] {{tn, fp}, {fn, tp}}; }
    }
}

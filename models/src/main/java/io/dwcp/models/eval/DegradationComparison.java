package io.dwcp.models.eval;

import io.dwcp.models.eval.DegradationProtocol.Asks;
import io.dwcp.models.eval.DegradationProtocol.Predictor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Predictors side by side under {@link DegradationProtocol} at one floor fraction, with the figures issue 19
 * sets targets on: ROC-AUC, early detection at the predictor's own warnings, at the first predictor's
 * false-warning rate (equal false warnings), and at a false-warning rate of {@value #FWR_TARGET} (the threshold
 * re-chosen on these scores: a point of the curve, not an operating point chosen beforehand), the Brier score
 * of scores that are probabilities, and a bootstrap over series (whole traces resampled with replacement) of
 * the AUC gains and the early-detection ratio. The first predictor is the one judged (the model); {@code trend}
 * and {@code distance_to_floor} are looked up by name. Stateless.
 */
public final class DegradationComparison {
    private DegradationComparison() {}

    public static final double FWR_TARGET = 0.05;
    static final int BINS = 10;

    /** One predictor: its name, whether it warns by itself, whether its score is a probability. */
    public record Entry(String name, Predictor predictor, boolean warns, boolean probability) {}

    /** Per predictor, per series asks (aligned with the series list). */
    public record Runs(List<Entry> entries, List<List<Asks>> perSeries) {
        Asks pooled(int e) {
            return Asks.concat(perSeries.get(e));
        }
    }

    public static Runs run(List<double[]> series, double floorFraction, List<Entry> entries) {
        List<List<Asks>> per = new ArrayList<>();
        for (Entry e : entries) per.add(DegradationProtocol.perSeries(series, floorFraction, e.predictor()));
        return new Runs(entries, per);
    }

    /** Figures of every predictor (first = judged) and the bootstrap, as a JSON-ready map. */
    public static Map<String, Object> summarise(Runs r, int bootstrap, long seed) {
        Map<String, Object> out = new LinkedHashMap<>();
        Asks model = r.pooled(0);
        double fwr = model.falseWarningRate();
        int positive = 0;
        for (boolean p : model.positive()) positive += p ? 1 : 0;
        out.put("series", r.perSeries().get(0).size());
        out.put("events", model.events());
        out.put("asks", model.scores().length);
        out.put("positive_asks", positive);
        for (int i = 0; i < r.entries().size(); i++) {
            Entry e = r.entries().get(i);
            Asks a = r.pooled(i);
            Map<String, Object> m = new LinkedHashMap<>();
            if (e.warns()) {
                m.put("early_detection", a.earlyDetection());
                m.put("false_warning_rate", a.falseWarningRate());
            }
            m.put("roc_auc", auc(a));
            m.put("early_detection_at_model_fwr", a.earlyDetectionAt(fwr));
            m.put("early_detection_at_fwr_0.05", a.earlyDetectionAt(FWR_TARGET));
            if (e.probability()) m.put("brier", a.brier());
            out.put(e.name(), m);
        }
        int tr = index(r, "trend"), di = index(r, "distance_to_floor");
        out.put("auc_gain_vs_trend", auc(r.pooled(0)) - auc(r.pooled(tr)));
        out.put("auc_gain_vs_distance", auc(r.pooled(0)) - auc(r.pooled(di)));
        out.put("early_ratio_vs_trend_at_equal_fwr", ratio(model, r.pooled(tr)));
        // How much of the model's ranking is the distance to the floor it can read off its input (issue 19).
        out.put("spearman_model_vs_distance", spearman(model.scores(), r.pooled(di).scores()));
        out.put("bootstrap", bootstrap(r, tr, di, bootstrap, seed));
        return out;
    }

    /** Model early detection over the trend's at the model's false-warning rate. */
    static double ratio(Asks model, Asks trend) {
        double t = trend.earlyDetectionAt(model.falseWarningRate());
        return model.earlyDetection() / t;
    }

    /** ROC-AUC, NaN when the asks hold only one class (a resample of eventless traces). */
    static double auc(Asks a) {
        boolean pos = false, neg = false;
        for (boolean p : a.positive()) {
            pos |= p;
            neg |= !p;
        }
        return pos && neg ? a.rocAuc() : Double.NaN;
    }

    static int index(Runs r, String name) {
        for (int i = 0; i < r.entries().size(); i++) if (r.entries().get(i).name().equals(name)) return i;
        throw new IllegalArgumentException("no predictor named " + name);
    }

    /**
     * 2.5 / 50 / 97.5 percentiles of each figure over {@code n} resamples of whole series (a resample where a
     * figure is undefined, e.g. no event, is left out of that figure's percentiles).
     */
    static Map<String, Object> bootstrap(Runs r, int tr, int di, int n, long seed) {
        int s = r.perSeries().get(0).size();
        Random rnd = new Random(seed);
        double[][] v = new double[6][n];
        for (int b = 0; b < n; b++) {
            int[] pick = new int[s];
            for (int i = 0; i < s; i++) pick[i] = rnd.nextInt(s);
            Asks m = sample(r.perSeries().get(0), pick), t = sample(r.perSeries().get(tr), pick),
                    d = sample(r.perSeries().get(di), pick);
            double am = auc(m), at = auc(t), ad = auc(d);
            v[0][b] = am;
            v[1][b] = at;
            v[2][b] = ad;
            v[3][b] = am - at;
            v[4][b] = am - ad;
            v[5][b] = ratio(m, t);
        }
        String[] names = {"auc_model", "auc_trend", "auc_distance", "auc_gain_vs_trend", "auc_gain_vs_distance",
                "early_ratio_vs_trend_at_equal_fwr"};
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resamples", n);
        for (int k = 0; k < names.length; k++) out.put(names[k], percentiles(v[k]));
        return out;
    }

    /** Rank correlation (ties by their mean rank). */
    static double spearman(double[] a, double[] b) {
        return a.length < 2 ? Double.NaN : Metrics.pearson(ranks(a), ranks(b));
    }

    static double[] ranks(double[] x) {
        Integer[] idx = new Integer[x.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (i, j) -> Double.compare(x[i], x[j]));
        double[] r = new double[x.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && x[idx[j + 1]] == x[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return r;
    }

    static Asks sample(List<Asks> per, int[] pick) {
        List<Asks> l = new ArrayList<>(pick.length);
        for (int i : pick) l.add(per.get(i));
        return Asks.concat(l);
    }

    static List<Double> percentiles(double[] x) {
        double[] f = Arrays.stream(x).filter(Double::isFinite).sorted().toArray();
        if (f.length == 0) return List.of(Double.NaN, Double.NaN, Double.NaN);
        return List.of(f[(int) Math.floor(0.025 * (f.length - 1))], f[(f.length - 1) / 2], f[(int) Math.ceil(0.975 * (f.length - 1))]);
    }

    /** Reliability: per probability bin of width 1/{@value #BINS}, [mean predicted, observed share, asks]. */
    public static List<double[]> reliability(Asks a) {
        double[] sp = new double[BINS], so = new double[BINS];
        int[] c = new int[BINS];
        for (int i = 0; i < a.scores().length; i++) {
            int b = Math.min(BINS - 1, Math.max(0, (int) (a.scores()[i] * BINS)));
            sp[b] += a.scores()[i];
            so[b] += a.positive()[i] ? 1 : 0;
            c[b]++;
        }
        List<double[]> out = new ArrayList<>();
        for (int b = 0; b < BINS; b++) if (c[b] > 0) out.add(new double[] {sp[b] / c[b], so[b] / c[b], c[b]});
        return out;
    }
}

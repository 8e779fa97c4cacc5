package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.features.LinkFeatures;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.serving.LinearSystems;
import io.dwcp.models.serving.arbitration.ResidualPrior;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Much simpler learned bandwidth predictors than the LSTM, for the issue 14 study only ({@code -Ddwcp.forecast.linear};
 * never served): the question is whether a model that cannot memorise a family's dynamics transfers to a family it
 * never trained on better than the LSTM does. Both predict {@code ln(next / last)} and are fitted by iteratively
 * reweighted least squares on the absolute error (the median, as the log-L1 term of the LSTM's loss), with a ridge
 * penalty chosen on the validation traces' median APE.
 * <ul>
 *   <li>{@code ridge}: linear in the window's per-step bandwidth log ratios to its level and step changes
 *       ({@link LinkFeatures} channels 0 and 5), the interval code, the last step's loss code and ln of the window's
 *       spread ({@link LinkFeatures#spread});</li>
 *   <li>{@code shrink}: the LSTM's own log step {@code d = ln(model / last)} times a weight that depends on the
 *       window's volatility, {@code (a + b·ln s + c·dt) · d}: a per-window shrinkage between last value and model.</li>
 * </ul>
 * Immutable once fitted.
 */
final class LinearForecaster implements BandwidthEval.Predictor {
    static final String KIND = System.getProperty("dwcp.forecast.linear", "");
    static final double[] PENALTIES = {1e-4, 1e-2, 1, 100};
    private static final int W = ForecasterNet.WINDOW;

    private final String kind;
    private final double[] coef;
    private final BandwidthEval.Predictor base; // shrink only
    final double penalty;

    private LinearForecaster(String kind, double[] coef, BandwidthEval.Predictor base, double penalty) {
        this.kind = kind;
        this.coef = coef;
        this.base = base;
        this.penalty = penalty;
    }

    static int width(String kind) {
        return kind.equals("ridge") ? 2 * W + 4 : 3;
    }

    /** Features of one window; {@code d}: the base model's ln(model / last) (shrink only). */
    static double[] features(String kind, float[][] win, double step, double d) {
        double s = Math.log(LinkFeatures.spread(win)), dt = LinkFeatures.dtCode(step);
        if (kind.equals("shrink")) return new double[] {d, d * s, d * dt};
        float[] x = new float[W * LinkFeatures.MODEL];
        LinkFeatures.modelInput(win, step, x, 0);
        double[] f = new double[width(kind)];
        for (int t = 0; t < W; t++) {
            f[t] = x[t * LinkFeatures.MODEL];
            f[W + t] = x[t * LinkFeatures.MODEL + 5];
        }
        f[2 * W] = dt;
        f[2 * W + 1] = x[(W - 1) * LinkFeatures.MODEL + 2];
        f[2 * W + 2] = s;
        f[2 * W + 3] = 1;
        return f;
    }

    static double lnRatio(double a, double b) {
        return Math.log((Math.max(0, a) + 1e-9) / (Math.max(0, b) + 1e-9));
    }

    /** A series' windows, their step lengths and the base model's forecasts of them (null without a base). */
    private record Windows(float[][][] wins, double[] steps, float[][] base) {
        /** Null for a series shorter than one window and its next step. */
        static Windows of(LinkSeries s, BandwidthEval.Predictor base) {
            int n = s.length() - W;
            if (n <= 0) return null;
            float[][][] wins = BandwidthTrainer.allWindows(s);
            double[] dt = new double[n];
            Arrays.fill(dt, s.stepSeconds());
            return new Windows(wins, dt, base == null ? null : base.predictWithStep(wins, dt));
        }
    }

    /** Feature rows and targets {@code ln(next / last)} (clipped ±4) of every window with a positive next and last. */
    static List<double[]> rows(String kind, List<LinkSeries> series, BandwidthEval.Predictor base) {
        List<double[]> out = new ArrayList<>();
        for (LinkSeries s : series) {
            Windows w = Windows.of(s, base);
            if (w == null) continue;
            int n = w.steps.length;
            float[][][] wins = w.wins;
            float[][] p = w.base;
            for (int i = 0; i < n; i++) {
                double next = s.rows()[i + W][0], last = wins[i][W - 1][0];
                if (next <= 0 || last <= 0) continue;
                double d = p == null ? 0 : lnRatio(p[i][0], last);
                double[] f = features(kind, wins[i], s.stepSeconds(), d);
                double[] r = Arrays.copyOf(f, f.length + 1);
                r[f.length] = Math.max(-4, Math.min(4, Math.log(next / last)));
                out.add(r);
            }
        }
        return out;
    }

    /** IRLS for the L1 fit with ridge penalty {@code lambda · n} on every weight but the bias. */
    static double[] fitL1(List<double[]> rows, int k, double lambda, boolean lastIsBias) {
        double[] w = new double[k];
        double[] res = new double[rows.size()];
        Arrays.fill(res, 1);
        for (int it = 0; it < 12; it++) {
            double[][] a = new double[k][k];
            double[] b = new double[k];
            double tw = 0;
            for (int i = 0; i < rows.size(); i++) {
                double[] r = rows.get(i);
                double wt = 1 / Math.max(Math.abs(res[i]), 1e-3);
                tw += wt;
                for (int p = 0; p < k; p++) {
                    double fp = r[p] * wt;
                    b[p] += fp * r[k];
                    for (int q = p; q < k; q++) a[p][q] += fp * r[q];
                }
            }
            for (int p = 0; p < k; p++) {
                for (int q = 0; q < p; q++) a[p][q] = a[q][p];
            }
            // Penalty relative to the total weight, so it means the same at every IRLS step; the bias is not penalised.
            for (int p = 0; p < k; p++) a[p][p] += (lastIsBias && p == k - 1 ? 0 : lambda * 1e-3 * tw) + 1e-9;
            w = LinearSystems.solve(a, b);
            for (int i = 0; i < rows.size(); i++) {
                double[] r = rows.get(i);
                double y = 0;
                for (int p = 0; p < k; p++) y += w[p] * r[p];
                res[i] = r[k] - y;
            }
        }
        return w;
    }

    /**
     * Fits on the training series and picks the penalty with the lowest median APE on the validation traces
     * (the synthetic validation links when there are none).
     */
    static LinearForecaster fit(String kind, List<LinkSeries> train, List<LinkSeries> valTraces, List<LinkSeries> valLinks,
                                BandwidthEval.Predictor base) {
        if (!kind.equals("ridge") && !kind.equals("shrink")) {
            throw new IllegalArgumentException("dwcp.forecast.linear: unknown kind " + kind + "; known: ridge, shrink");
        }
        if (kind.equals("shrink") && base == null) throw new IllegalArgumentException("shrink needs a base model");
        List<double[]> rows = rows(kind, train, base);
        List<LinkSeries> val = valTraces.isEmpty() ? valLinks : valTraces;
        // The validation windows and the base model's forecasts of them do not depend on the penalty: built once,
        // not once per penalty (for shrink, each pass reran the LSTM over every validation window).
        List<Windows> valWins = new ArrayList<>();
        List<Double> act = new ArrayList<>();
        for (LinkSeries s : val) {
            Windows w = Windows.of(s, base);
            if (w == null) continue;
            valWins.add(w);
            for (int i = 0; i < w.steps.length; i++) act.add(s.rows()[i + W][0]);
        }
        double[] actual = act.stream().mapToDouble(Double::doubleValue).toArray();
        LinearForecaster best = null;
        double bestApe = Double.POSITIVE_INFINITY;
        for (double lam : PENALTIES) {
            LinearForecaster f = new LinearForecaster(kind, fitL1(rows, width(kind), lam, kind.equals("ridge")), base, lam);
            double[] pred = new double[actual.length];
            int k = 0;
            for (Windows w : valWins) {
                for (float[] p : f.predict(w.wins, w.steps, w.base)) pred[k++] = p[0];
            }
            double ape = Metrics.medianApe(actual, pred);
            System.out.printf("linear %s penalty %.0e: validation median APE %.3f %% over %d windows; coef %s%n", kind, lam,
                    ape, actual.length, Arrays.toString(f.coef));
            if (ape < bestApe) {
                bestApe = ape;
                best = f;
            }
        }
        return best;
    }

    @Override
    public float[][] predictWithStep(float[][][] windows, double[] stepSeconds) {
        return predict(windows, stepSeconds, base == null ? null : base.predictWithStep(windows, stepSeconds));
    }

    /** {@link #predictWithStep} given the base model's forecasts {@code bp} of the same windows (null without one). */
    private float[][] predict(float[][][] windows, double[] stepSeconds, float[][] bp) {
        float[][] out = new float[windows.length][5];
        for (int i = 0; i < windows.length; i++) {
            float[][] win = windows[i];
            double last = win[W - 1][0];
            double d = bp == null ? 0 : lnRatio(bp[i][0], last);
            double[] f = features(kind, win, stepSeconds[i], d);
            double y = 0;
            for (int p = 0; p < f.length; p++) y += coef[p] * f[p];
            out[i][0] = (float) (Math.max(0, last) * Math.exp(Math.max(-4, Math.min(4, y))));
            for (int j = 1; j < 4; j++) out[i][j] = bp == null ? win[W - 1][j] : bp[i][j];
            out[i][4] = Float.NaN;
        }
        return out;
    }

    /** The interval prior from the validation residuals {@code ln(actual / forecast)}. */
    ResidualPrior prior(List<LinkSeries> val) {
        List<Double> res = new ArrayList<>();
        for (LinkSeries s : val) {
            for (BandwidthEval.Forecasts x : BandwidthEval.forecastAll(this, ResidualPrior.FALLBACK, List.of(s))) {
                for (int i = 0; i < x.actual().length; i++) {
                    if (x.actual()[i] > 0 && x.model()[i] > 0) res.add(Math.log(x.actual()[i] / x.model()[i]));
                }
            }
        }
        return res.isEmpty() ? ResidualPrior.FALLBACK : ResidualPrior.fromSample(res.stream().mapToDouble(Double::doubleValue).toArray());
    }

    String describe() {
        return kind + " penalty " + penalty + " coef " + Arrays.toString(coef);
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.features.TrendExtrapolation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The degradation forecaster's served probability when its artifact names a stack (issue 19): a logistic
 * regression over the network's logit and a few forecast-free features of the same window, fitted on the
 * validation traces' asks of the training families only. The network alone ranks asks like distance to the floor
 * and gives no weight to how much the link swings, so on a volatile link it under-warns; the stack adds that. On the
 * held-out family it ranked no better than the network alone and only its Brier score improved (models/README.md,
 * issue 19's second round), so the shipped artifact names none; the trainer fits one when told to.
 *
 * <p>Every feature is read from the window in the headroom coordinates the network sees ({@link
 * DegradationFeatures}, clamped as the model is), on the <em>critical</em> metric: the one of latency, throughput
 * and errors whose mean headroom over the last {@value #MEAN} steps is highest (nearest to or over its SLO), so one
 * definition serves throughput floors, latency ceilings and error ceilings alike:
 * <ul>
 *   <li>{@code model_logit}: ln(p / (1 − p)) of the network's probability, p clipped to [1e−7, 1 − 1e−7];</li>
 *   <li>{@code headroom}: that 5-step mean (0 on the SLO line, positive = over it);</li>
 *   <li>{@code log_volatility}: ln(0.001 + standard deviation of the step-to-step changes over the window);</li>
 *   <li>{@code trend}: the trend extrapolation's breach score ({@link TrendExtrapolation}, 20-step fit, 30 steps
 *       ahead) on the same coordinates, clipped to ±{@value #TREND_CLIP};</li>
 *   <li>{@code slope}: the least-squares slope over the last {@value TrendExtrapolation#FIT} steps × 30 (the change
 *       a straight line makes over the horizon);</li>
 *   <li>{@code breach_share}: the share of the window's steps whose 5-step mean is over the SLO;</li>
 *   <li>{@code peak_headroom}: the highest 5-step mean over the window.</li>
 * </ul>
 * Immutable, thread-safe.
 *
 * @param features names of the features used, in the order of {@code weights}
 * @param weights  one per feature, on the raw (unstandardised) feature
 * @param bias     the intercept
 */
public record DegradationStack(List<String> features, double[] weights, double bias) {
    /** Metadata key (under {@code params}) of a model's stack; absent = the network's probability is served. */
    public static final String PARAM = "stack";
    public static final List<String> ALL = List.of("model_logit", "headroom", "log_volatility", "trend", "slope",
            "breach_share", "peak_headroom");
    static final int MEAN = 5, HORIZON = 30;
    static final double TREND_CLIP = 5, LOGIT_CLIP = 1e-7;

    public DegradationStack {
        features = List.copyOf(features);
        if (features.isEmpty() || features.size() != weights.length) {
            throw new IllegalArgumentException("stack needs one weight per feature, got " + features.size() + " features and "
                    + weights.length + " weights");
        }
        for (String f : features) {
            if (!ALL.contains(f)) throw new IllegalArgumentException("unknown stack feature '" + f + "'; known: " + ALL);
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) throw new IllegalArgumentException("stack weights must be finite, got " + Arrays.toString(weights));
        }
        if (!Double.isFinite(bias)) throw new IllegalArgumentException("stack bias must be finite, got " + bias);
        weights = weights.clone();
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** Every feature of {@link #ALL} for one window: flat headroom [steps × 5] at {@code off}, the network's probability. */
    public static double[] all(float[] x, int off, int steps, double modelProbability) {
        int f = DegradationFeatures.FEATURES;
        if (steps < TrendExtrapolation.FIT || steps < MEAN + 1) {
            throw new IllegalArgumentException("stack features need at least " + Math.max(TrendExtrapolation.FIT, MEAN + 1)
                    + " steps, got " + steps);
        }
        int crit = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < DegradationFeatures.TARGETS; k++) {
            double m = mean(x, off, k, steps - MEAN, steps);
            if (m > best) {
                best = m;
                crit = k;
            }
        }
        double s = 0, ss = 0;
        for (int t = 1; t < steps; t++) {
            double d = x[off + t * f + crit] - x[off + (t - 1) * f + crit];
            s += d;
            ss += d * d;
        }
        int n = steps - 1;
        double vol = Math.sqrt(Math.max(0, ss / n - (s / n) * (s / n)));
        float[] own = off == 0 && x.length == steps * f ? x : Arrays.copyOfRange(x, off, off + steps * f);
        double trend = TrendExtrapolation.score(TrendExtrapolation.forecast(own, steps, HORIZON));
        int fit = TrendExtrapolation.FIT;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < fit; i++) {
            double y = x[off + (steps - fit + i) * f + crit];
            sx += i;
            sy += y;
            sxx += (double) i * i;
            sxy += i * y;
        }
        double slope = (fit * sxy - sx * sy) / (fit * sxx - sx * sx);
        int over = 0, spans = 0;
        double peak = Double.NEGATIVE_INFINITY;
        for (int t = MEAN; t <= steps; t++) {
            double m = mean(x, off, crit, t - MEAN, t);
            peak = Math.max(peak, m);
            over += m > 0 ? 1 : 0;
            spans++;
        }
        double p = Math.min(1 - LOGIT_CLIP, Math.max(LOGIT_CLIP, modelProbability));
        return new double[] {Math.log(p / (1 - p)), best, Math.log(1e-3 + vol), Math.max(-TREND_CLIP, Math.min(TREND_CLIP, trend)),
                slope * HORIZON, (double) over / spans, peak};
    }

    private static double mean(float[] x, int off, int k, int from, int to) {
        double s = 0;
        for (int t = from; t < to; t++) s += x[off + t * DegradationFeatures.FEATURES + k];
        return s / (to - from);
    }

    /** The stacked probability of one window (see {@link #all}). */
    public double probability(float[] x, int off, int steps, double modelProbability) {
        return probability(all(x, off, steps, modelProbability));
    }

    /** The stacked probability from a row of {@link #all} features. */
    public double probability(double[] all) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) z += weights[i] * all[ALL.indexOf(features.get(i))];
        return 1 / (1 + Math.exp(-z));
    }

    /** As stored under {@link #PARAM}. */
    public Map<String, Object> toParam() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", features);
        m.put("weights", Arrays.stream(weights).boxed().toList());
        m.put("bias", bias);
        return m;
    }

    /** The stack a model's params name, or null when they name none. */
    public static DegradationStack of(Map<String, Object> params) {
        Object v = params == null ? null : params.get(PARAM);
        if (v == null) return null;
        if (!(v instanceof Map<?, ?> m) || !(m.get("features") instanceof List<?> fs) || !(m.get("weights") instanceof List<?> ws)
                || !(m.get("bias") instanceof Number b)) {
            throw new IllegalArgumentException(PARAM + " must be {\"features\": [names], \"weights\": [numbers], \"bias\": number}, got " + v);
        }
        List<String> names = new ArrayList<>();
        for (Object o : fs) names.add(String.valueOf(o));
        double[] w = new double[ws.size()];
        for (int i = 0; i < w.length; i++) {
            if (!(ws.get(i) instanceof Number n)) throw new IllegalArgumentException(PARAM + ".weights[" + i + "] is not a number: " + ws.get(i));
            w[i] = n.doubleValue();
        }
        return new DegradationStack(names, w, b.doubleValue());
    }

    /**
     * Fits the stack on {@code features} (rows of {@link #ALL}) against labels: L2-regularised logistic regression
     * (penalty {@code l2} on standardised weights, none on the intercept) by Newton's method, optionally weighting
     * positive rows by {@code positiveWeight}.
     */
    public static DegradationStack fit(List<String> use, double[][] all, boolean[] y, double l2, double positiveWeight) {
        int n = all.length, d = use.size();
        if (n == 0) throw new IllegalArgumentException("no rows to fit the stack on");
        int[] col = new int[d];
        for (int j = 0; j < d; j++) {
            col[j] = ALL.indexOf(use.get(j));
            if (col[j] < 0) throw new IllegalArgumentException("unknown stack feature '" + use.get(j) + "'; known: " + ALL);
        }
        double[] mu = new double[d], sd = new double[d];
        for (double[] r : all) for (int j = 0; j < d; j++) mu[j] += r[col[j]] / n;
        for (double[] r : all) for (int j = 0; j < d; j++) sd[j] += (r[col[j]] - mu[j]) * (r[col[j]] - mu[j]) / n;
        for (int j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) + 1e-9;
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[i][j] = (all[i][col[j]] - mu[j]) / sd[j];
            z[i][d] = 1;
        }
        double[] b = new double[d + 1];
        for (int it = 0; it < 100; it++) {
            double[] g = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j <= d; j++) s += z[i][j] * b[j];
                double p = 1 / (1 + Math.exp(-s)), w = y[i] ? positiveWeight : 1, r = w * (p - (y[i] ? 1 : 0)), q = w * p * (1 - p);
                for (int j = 0; j <= d; j++) {
                    g[j] += r * z[i][j];
                    for (int k = 0; k <= d; k++) h[j][k] += q * z[i][j] * z[i][k];
                }
            }
            for (int j = 0; j < d; j++) {
                g[j] += l2 * b[j];
                h[j][j] += l2;
            }
            h[d][d] += 1e-9;
            double[] step = LinearSystems.solve(h, g);
            double moved = 0;
            for (int j = 0; j <= d; j++) {
                b[j] -= step[j];
                moved = Math.max(moved, Math.abs(step[j]));
            }
            if (moved < 1e-10) break;
        }
        double[] w = new double[d];
        double bias = b[d];
        for (int j = 0; j < d; j++) {
            w[j] = b[j] / sd[j];
            bias -= w[j] * mu[j];
        }
        return new DegradationStack(use, w, bias);
    }
}

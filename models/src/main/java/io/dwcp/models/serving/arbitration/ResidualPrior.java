package io.dwcp.models.serving.arbitration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantiles of the relative residual {@code ln(actual / forecast)} measured when the model was trained (on
 * its validation windows), stored in the artifact's metadata as {@code params.residual_prior}
 * ({@code levels}, {@code log_ratio_quantiles}). {@link IntervalCalibrator} uses it for a key with too little
 * history of its own. Immutable.
 */
public final class ResidualPrior {
    /** Used when an artifact carries no prior: ±30 % at 80 % (an assumption, not a measurement). */
    public static final ResidualPrior FALLBACK = new ResidualPrior(new double[] {0.1, 0.5, 0.9},
            new double[] {Math.log(0.7), 0, Math.log(1.3)});

    private final double[] levels, quantiles;

    public ResidualPrior(double[] levels, double[] quantiles) {
        if (levels.length != quantiles.length || levels.length < 2) {
            throw new IllegalArgumentException("need >= 2 levels with one quantile each");
        }
        for (int i = 1; i < levels.length; i++) {
            if (!(levels[i] > levels[i - 1]) || quantiles[i] < quantiles[i - 1]) {
                throw new IllegalArgumentException("levels must increase and quantiles not decrease");
            }
        }
        this.levels = levels.clone();
        this.quantiles = quantiles.clone();
    }

    /** The empirical prior of a sample of log ratios at the levels 0.01, 0.025, 0.05, 0.1, ..., 0.9, 0.95, 0.975, 0.99. */
    public static ResidualPrior fromSample(double[] logRatios) {
        double[] s = Arrays.stream(logRatios).filter(Double::isFinite).sorted().toArray();
        if (s.length < 2) return FALLBACK;
        double[] lv = {0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99};
        double[] q = new double[lv.length];
        for (int i = 0; i < lv.length; i++) q[i] = IntervalCalibrator.quantileSorted(s, s.length, lv[i]);
        return new ResidualPrior(lv, q);
    }

    /** From {@code params.residual_prior} of a metadata map; {@link #FALLBACK} when absent. */
    public static ResidualPrior fromParams(Map<String, Object> params) {
        Object o = params.get("residual_prior");
        if (!(o instanceof Map<?, ?> m)) return FALLBACK;
        return new ResidualPrior(nums(m.get("levels")), nums(m.get("log_ratio_quantiles")));
    }

    private static double[] nums(Object o) {
        if (!(o instanceof List<?> l)) throw new IllegalArgumentException("residual_prior: expected a list, got " + o);
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = ((Number) l.get(i)).doubleValue();
        return d;
    }

    public Map<String, Object> toParams() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Double> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            a.add(levels[i]);
            b.add(quantiles[i]);
        }
        m.put("levels", a);
        m.put("log_ratio_quantiles", b);
        return m;
    }

    /** The log-ratio quantile at level {@code p}, interpolated linearly, held flat beyond the stored levels. */
    public double quantile(double p) {
        if (p <= levels[0]) return quantiles[0];
        if (p >= levels[levels.length - 1]) return quantiles[levels.length - 1];
        int i = 1;
        while (levels[i] < p) i++;
        double f = (p - levels[i - 1]) / (levels[i] - levels[i - 1]);
        return quantiles[i - 1] + f * (quantiles[i] - quantiles[i - 1]);
    }

    /** {@link IntervalCalibrator#confidence} of this prior's central interval at {@code coverage}. */
    public double confidence(double coverage) {
        double lo = Math.exp(quantile((1 - coverage) / 2)), hi = Math.exp(quantile((1 + coverage) / 2));
        return IntervalCalibrator.confidence(hi - lo);
    }
}

package io.dwcp.agent.predict;

import io.dwcp.models.data.DegradationSeries.Slo;
import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.features.TrendExtrapolation;
import java.util.ArrayList;
import java.util.List;

/**
 * Baseline degradation forecaster: a least-squares line through the last 20 steps of each metric's
 * headroom to the SLO (log scale), extrapolated {@link #HORIZON} steps; it warns when the extrapolated
 * 5-step mean crosses the SLO within the horizon ({@link TrendExtrapolation}, the baseline of the trained
 * model's report). Probability: a logistic of that crossing score, 0.5 on the SLO line. Stateless,
 * thread-safe.
 */
public final class TrendDegradationForecaster implements Predictor<DegradationInput, DegradationVerdict> {
    public static final int HORIZON = 30;
    /** Logistic slope: a score of ±0.1 (about 10% beyond / short of the SLO) gives ≈ 0.73 / 0.27. */
    private static final double SLOPE = 10;

    @Override
    public String name() {
        return "baseline-trend";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<DegradationVerdict> predictBatch(List<DegradationInput> inputs) {
        List<DegradationVerdict> out = new ArrayList<>(inputs.size());
        for (DegradationInput in : inputs) {
            out.add(forecast(in.window(), in.slo()));
        }
        return out;
    }

    static DegradationVerdict forecast(float[][] w, Slo slo) {
        int f = DegradationFeatures.FEATURES;
        float[] x = new float[w.length * f];
        DegradationFeatures.transformWindow(w, slo.latencyMs(), slo.throughputMbps(), slo.errorRate(), x, 0);
        float[][] hf = TrendExtrapolation.forecast(x, w.length, HORIZON);
        double score = TrendExtrapolation.score(hf);
        double[][] raw = new double[DegradationFeatures.TARGETS][HORIZON];
        for (int h = 0; h < HORIZON; h++) {
            for (int k = 0; k < DegradationFeatures.TARGETS; k++) {
                raw[k][h] = DegradationFeatures.toRaw(k, hf[h][k], slo.latencyMs(), slo.throughputMbps(), slo.errorRate());
            }
        }
        double p = 1 / (1 + Math.exp(-SLOPE * score));
        return new DegradationVerdict(slo, p, p >= 0.5, 0.5, raw[0], raw[1], raw[2], new double[0],
                DegradationVerdict.confidence(p, 0.5));
    }
}

package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.Traces;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.arbitration.IntervalCalibrator;
import io.dwcp.models.serving.arbitration.NaivePredictors;
import io.dwcp.models.serving.arbitration.OnlineArbiter;
import io.dwcp.models.serving.arbitration.ResidualPrior;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-step-ahead bandwidth comparison on whole series (every window of 10 with a next step): the forecaster,
 * the naive predictors ({@link NaivePredictors}: last value, harmonic mean of 5, EWMA), the arbitrated forecast
 * of {@link OnlineArbiter} (the class the agent uses, fresh per series, {@link OnlineArbiter#FORECAST} settings) and the
 * {@link IntervalCalibrator} interval around it (prior from the artifact's metadata). Used by training, the
 * generalisation study and {@code evaluate}. Stateless.
 */
public final class BandwidthEval {
    private BandwidthEval() {}

    static final List<String> CANDIDATES = NaivePredictors.CANDIDATES;

    /** Per-series (or pooled) APE statistics (percent) and interval metrics. */
    public record Row(String series, String family, double stepSeconds, int n, double modelMedianApe,
                      double lastMedianApe, double hm5MedianApe, double ewmaMedianApe, double servedMedianApe,
                      double modelMape, double lastMape, double hm5Mape, double ewmaMape, double servedMape,
                      double intervalNominal, double intervalCoverage, double intervalMeanWidthRatio) {
        public double bestBaselineMedianApe() {
            return Math.min(lastMedianApe, Math.min(hm5MedianApe, ewmaMedianApe));
        }

        public double bestBaselineMape() {
            return Math.min(lastMape, Math.min(hm5Mape, ewmaMape));
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", series);
            m.put("family", family);
            m.put("step_seconds", stepSeconds);
            m.put("n", n);
            m.put("model_median_ape", modelMedianApe);
            m.put("last_value_median_ape", lastMedianApe);
            m.put("harmonic_mean5_median_ape", hm5MedianApe);
            m.put("ewma_median_ape", ewmaMedianApe);
            m.put("served_median_ape", servedMedianApe);
            m.put("model_mape", modelMape);
            m.put("last_value_mape", lastMape);
            m.put("harmonic_mean5_mape", hm5Mape);
            m.put("ewma_mape", ewmaMape);
            m.put("served_mape", servedMape);
            m.put("interval_nominal", intervalNominal);
            m.put("interval_coverage", intervalCoverage);
            m.put("interval_mean_width_ratio", intervalMeanWidthRatio);
            return m;
        }
    }

    /** Predictions for one series: actual next bandwidth, the forecasts, the served one and its interval. */
    public record Forecasts(String series, double stepSeconds, double[] actual, double[] model, double[] last,
                            double[] hm5, double[] ewma, double[][] candidates, double[] served, String[] source,
                            double[] lower, double[] upper, double nominal) {
        int n() {
            return actual.length;
        }
    }

    /** The forecaster's prior from its metadata. */
    public static ResidualPrior prior(BandwidthForecaster f) {
        return ResidualPrior.fromParams(f.metadata().params());
    }

    public static Forecasts forecast(BandwidthForecaster f, LinkSeries s) {
        return forecast(f, s, prior(f), OnlineArbiter.FORECAST, IntervalCalibrator.DEFAULTS);
    }

    /** A bandwidth predictor as {@link BandwidthForecaster#predictWithStep} serves it: raw windows and steps in. */
    @FunctionalInterface
    public interface Predictor {
        float[][] predictWithStep(float[][][] windows, double[] stepSeconds);
    }

    public static Forecasts forecast(BandwidthForecaster f, LinkSeries s, ResidualPrior prior,
                                     OnlineArbiter.Settings as, IntervalCalibrator.Settings is) {
        return forecast(f::predictWithStep, s, prior, as, is);
    }

    /** {@link #forecast} of any predictor (e.g. an experimental model that is not an artifact). */
    public static Forecasts forecast(Predictor f, LinkSeries s, ResidualPrior prior,
                                     OnlineArbiter.Settings as, IntervalCalibrator.Settings is) {
        int w = ForecasterNet.WINDOW;
        int n = Math.max(0, s.length() - w);
        double[] actual = new double[n], model = new double[n], last = new double[n], hm = new double[n],
                ew = new double[n], served = new double[n], lo = new double[n], hi = new double[n];
        String[] source = new String[n];
        double[][] cand = new double[n][];
        int batch = 512;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            float[][][] win = new float[b][w][];
            double[] dt = new double[b];
            for (int i = 0; i < b; i++) {
                dt[i] = s.stepSeconds();
                for (int k = 0; k < w; k++) {
                    double[] r = s.rows()[start + i + k];
                    float[] fr = new float[r.length];
                    for (int j = 0; j < r.length; j++) fr[j] = (float) r[j];
                    win[i][k] = fr;
                }
            }
            float[][] p = f.predictWithStep(win, dt);
            for (int i = 0; i < b; i++) {
                int t = start + i + w;
                actual[start + i] = s.rows()[t][0];
                model[start + i] = p[i][0];
                double[] past = new double[w];
                for (int k = 0; k < w; k++) past[k] = s.rows()[t - w + k][0];
                cand[start + i] = NaivePredictors.candidates(model[start + i], past);
                last[start + i] = cand[start + i][1];
                hm[start + i] = cand[start + i][2];
                ew[start + i] = cand[start + i][3];
            }
        }
        return arbitrate(new Forecasts(s.id(), s.stepSeconds(), actual, model, last, hm, ew, cand, served, source, lo, hi,
                is.coverage()), prior, as, is);
    }

    /**
     * The online part of {@link #forecast} again on its candidates' forecasts, with other settings (served, source
     * and interval recomputed; {@code is} null: no interval, bounds NaN): step by step as the agent runs it, observe
     * the actual, then select and bound the next.
     */
    public static Forecasts arbitrate(Forecasts f, ResidualPrior prior, OnlineArbiter.Settings as, IntervalCalibrator.Settings is) {
        int n = f.n();
        double[] actual = f.actual(), served = new double[n], lo = new double[n], hi = new double[n];
        double[][] cand = f.candidates();
        String[] source = new String[n];
        OnlineArbiter<String> arb = new OnlineArbiter<>(CANDIDATES, NaivePredictors.MODEL, as);
        IntervalCalibrator<String> cal = is == null ? null : new IntervalCalibrator<>(prior, is);
        String key = f.series();
        for (int i = 0; i < n; i++) {
            OnlineArbiter.Selection sel = arb.select(key, cand[i]);
            served[i] = sel.value();
            source[i] = sel.source();
            arb.observe(key, actual[i]);
            if (cal == null) {
                lo[i] = hi[i] = Double.NaN;
                continue;
            }
            IntervalCalibrator.Interval iv = cal.interval(key, served[i]);
            lo[i] = iv.lower();
            hi[i] = iv.upper();
            cal.observe(key, served[i], actual[i]);
        }
        return new Forecasts(f.series(), f.stepSeconds(), actual, f.model(), f.last(), f.hm5(), f.ewma(), cand, served, source,
                lo, hi, is == null ? Double.NaN : is.coverage());
    }

    public static List<Forecasts> forecastAll(BandwidthForecaster f, List<LinkSeries> series) {
        return forecastAll(f::predictWithStep, prior(f), series);
    }

    public static List<Forecasts> forecastAll(Predictor f, ResidualPrior prior, List<LinkSeries> series) {
        List<Forecasts> out = new ArrayList<>();
        for (LinkSeries s : series) {
            Forecasts fc = forecast(f, s, prior, OnlineArbiter.FORECAST, IntervalCalibrator.DEFAULTS);
            if (fc.n() > 0) out.add(fc);
        }
        return out;
    }

    /** One row per series plus a pooled {@code overall} row (last). */
    public static List<Row> compare(BandwidthForecaster f, List<LinkSeries> series) {
        List<Forecasts> fcs = forecastAll(f, series);
        List<Row> rows = new ArrayList<>();
        for (Forecasts fc : fcs) {
            Row r = pooled(fc.series(), Traces.family(fc.series()), List.of(fc));
            if (r != null) rows.add(r);
        }
        Row overall = pooled("overall", "all", fcs);
        if (overall != null) rows.add(overall);
        return rows;
    }

    /** Statistics of all steps of {@code fcs} pooled; null when no step has a non-zero actual. */
    public static Row pooled(String name, String family, List<Forecasts> fcs) {
        int n = fcs.stream().mapToInt(Forecasts::n).sum();
        if (n == 0) return null;
        double[][] c = new double[8][n];
        int k = 0;
        double steps = 0;
        for (Forecasts fc : fcs) {
            for (int i = 0; i < fc.n(); i++, k++) {
                c[0][k] = fc.actual()[i];
                c[1][k] = fc.model()[i];
                c[2][k] = fc.last()[i];
                c[3][k] = fc.hm5()[i];
                c[4][k] = fc.ewma()[i];
                c[5][k] = fc.served()[i];
                c[6][k] = fc.lower()[i];
                c[7][k] = fc.upper()[i];
            }
            steps += fc.stepSeconds() * fc.n();
        }
        if (c[0].length == 0 || Metrics.ape(c[0], c[1]).length == 0) return null; // e.g. retrain without traces
        int covered = 0, counted = 0;
        double width = 0;
        int widthN = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(c[6][i]) && Double.isFinite(c[7][i])) {
                counted++;
                if (c[0][i] >= c[6][i] && c[0][i] <= c[7][i]) covered++;
                if (c[5][i] > 0) {
                    width += (c[7][i] - c[6][i]) / c[5][i];
                    widthN++;
                }
            }
        }
        double nominal = fcs.isEmpty() ? Double.NaN : fcs.get(0).nominal();
        double[] a = c[0];
        return new Row(name, family, n == 0 ? Double.NaN : steps / n, n, Metrics.medianApe(a, c[1]),
                Metrics.medianApe(a, c[2]), Metrics.medianApe(a, c[3]), Metrics.medianApe(a, c[4]),
                Metrics.medianApe(a, c[5]), Metrics.mape(a, c[1]), Metrics.mape(a, c[2]), Metrics.mape(a, c[3]),
                Metrics.mape(a, c[4]), Metrics.mape(a, c[5]), nominal, counted == 0 ? Double.NaN : (double) covered / counted,
                widthN == 0 ? Double.NaN : width / widthN);
    }
}

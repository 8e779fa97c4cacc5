package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.serving.BandwidthForecaster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-step-ahead bandwidth comparison of the forecaster against the last-value and harmonic-mean-of-5
 * predictors on whole series (every window of 10 with a next step). Used by training (test traces) and
 * by {@code evaluate}. Stateless.
 */
public final class BandwidthEval {
    private BandwidthEval() {}

    /** Per-series (and "overall") absolute-percentage-error statistics of the three predictors. */
    public record Row(String series, int n, double modelMedianApe, double lastMedianApe, double hm5MedianApe,
                      double modelMape, double lastMape, double hm5Mape) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", series);
            m.put("n", n);
            m.put("model_median_ape", modelMedianApe);
            m.put("last_value_median_ape", lastMedianApe);
            m.put("harmonic_mean5_median_ape", hm5MedianApe);
            m.put("model_mape", modelMape);
            m.put("last_value_mape", lastMape);
            m.put("harmonic_mean5_mape", hm5Mape);
            return m;
        }
    }

    /** Predictions for one series: actual next bandwidth and the three forecasts. */
    public record Forecasts(double[] actual, double[] model, double[] last, double[] hm5, double[] confidence) {}

    public static Forecasts forecast(BandwidthForecaster f, LinkSeries s) {
        int w = ForecasterNet.WINDOW;
        int n = s.length() - w;
        if (n <= 0) return new Forecasts(new double[0], new double[0], new double[0], new double[0], new double[0]);
        double[] actual = new double[n], model = new double[n], last = new double[n], hm = new double[n], conf = new double[n];
        int batch = 512;
        for (int start = 0; start < n; start += batch) {
            int b = Math.min(batch, n - start);
            float[][][] win = new float[b][w][];
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < w; k++) {
                    double[] r = s.rows()[start + i + k];
                    float[] fr = new float[r.length];
                    for (int j = 0; j < r.length; j++) fr[j] = (float) r[j];
                    win[i][k] = fr;
                }
            }
            float[][] p = f.predict(win);
            for (int i = 0; i < b; i++) {
                int t = start + i + w;
                actual[start + i] = s.rows()[t][0];
                model[start + i] = p[i][0];
                conf[start + i] = p[i][4];
                last[start + i] = s.rows()[t - 1][0];
                hm[start + i] = harmonicMean(s, t, 5);
            }
        }
        return new Forecasts(actual, model, last, hm, conf);
    }

    /** Harmonic mean of the {@code k} values before step {@code t} (pensieve's robust-MPC predictor). */
    public static double harmonicMean(LinkSeries s, int t, int k) {
        double inv = 0;
        int n = 0;
        for (int i = Math.max(0, t - k); i < t; i++) {
            inv += 1.0 / Math.max(s.rows()[i][0], 1e-6);
            n++;
        }
        return n / inv;
    }

    public static List<Row> compare(BandwidthForecaster f, List<LinkSeries> series) {
        List<Row> rows = new ArrayList<>();
        List<double[]> all = new ArrayList<>();
        for (LinkSeries s : series) {
            Forecasts fc = forecast(f, s);
            if (fc.actual().length == 0) continue;
            Row r = row(s.id(), fc);
            if (r != null) rows.add(r);
            all.add(null);
            for (int i = 0; i < fc.actual().length; i++) {
                all.add(new double[] {fc.actual()[i], fc.model()[i], fc.last()[i], fc.hm5()[i]});
            }
        }
        all.removeIf(java.util.Objects::isNull);
        double[][] cols = new double[4][all.size()];
        for (int i = 0; i < all.size(); i++) for (int j = 0; j < 4; j++) cols[j][i] = all.get(i)[j];
        Row overall = row("overall", new Forecasts(cols[0], cols[1], cols[2], cols[3], new double[0]));
        if (overall != null) rows.add(overall);
        return rows;
    }

    static Row row(String id, Forecasts fc) {
        double[] a = fc.actual();
        if (Metrics.ape(a, fc.model()).length == 0) return null;
        return new Row(id, a.length, Metrics.medianApe(a, fc.model()), Metrics.medianApe(a, fc.last()),
                Metrics.medianApe(a, fc.hm5()), Metrics.mape(a, fc.model()), Metrics.mape(a, fc.last()),
                Metrics.mape(a, fc.hm5()));
    }
}

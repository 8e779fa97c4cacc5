package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.data.Traces;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.features.Schemas.LinkType;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.report.Plots;
import io.dwcp.models.report.Report;
import io.dwcp.models.report.Report.Target;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.tf.SavedModels;
import io.dwcp.models.tf.TrainLoop;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bandwidth forecaster: unrolled LSTM on windows of 10 steps of the 6 {@link Schemas#BANDWIDTH} features,
 * predicting the next bandwidth, latency, loss and jitter. Trained on synthetic links (split by link) plus
 * the bundled real throughput traces (split by trace); for traces only the bandwidth target counts in the
 * loss (the others are fills). Loss: masked mean absolute error in scaled space (log1p + standardised for
 * bandwidth, latency and jitter), which targets the median and hence median APE. Stateless.
 */
public final class BandwidthTrainer implements ModelTrainer {
    public static final String NAME = "bandwidth";
    public static final int HIDDEN = 32;
    /** log1p on bandwidth, latency and jitter; loss, time of day and day of week are only standardised. */
    public static final boolean[] LOG = {true, true, false, true, false, false};
    public static final List<Target> TARGETS = targets(0.98);

    /** Targets with {@code acc} as the correlation bound (the CLI's --target-accuracy). */
    public static List<Target> targets(double acc) {
        return List.of(new Target("synthetic_bandwidth_correlation", ">=", acc),
            new Target("synthetic_bandwidth_mape", "<", 5.0),
            new Target("traces_model_beats_last_value", ">=", 1.0),
            new Target("traces_model_beats_harmonic_mean5", ">=", 1.0));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Synthetic links and bundled traces, each split by series. */
    public record DataSplit(Splits.Split<LinkSeries> links, Splits.Split<LinkSeries> traces) {}

    public static DataSplit data(TrainConfig cfg) throws Exception {
        List<LinkSeries> links = cfg.dataPath() != null ? io.dwcp.models.data.DwcpCsv.links(cfg.dataPath()) : SyntheticLinks.generate(cfg.scaled(45, 6), cfg.scaled(1500, 120) < 120 ? 120
                : Math.min(1500, cfg.scaled(1500, 120)), cfg.seed());
        List<LinkSeries> traces = cfg.tracesDir() != null ? Traces.folder(cfg.tracesDir()) : Traces.bundled();
        if (cfg.scale() < 1) traces = traces.subList(0, Math.min(traces.size(), Math.max(6, cfg.scaled(traces.size(), 6))));
        return new DataSplit(Splits.bySeries(links, 0.7, 0.15, cfg.seed() + 11),
                Splits.bySeries(traces, 0.6, 0.2, cfg.seed() + 12));
    }

    /** Scaled windows, targets and masks of a set of series. */
    record Windows(float[] x, float[] y, float[] mask, int n) {}

    static Windows windows(List<LinkSeries> series, Scaler sc, boolean trace) {
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, k = ForecasterNet.TARGETS;
        int n = 0;
        for (LinkSeries s : series) n += Math.max(0, s.length() - w);
        float[] x = new float[n * w * f], y = new float[n * k], m = new float[n * k];
        int i = 0;
        for (LinkSeries s : series) {
            double[][] scaled = new double[s.length()][];
            for (int t = 0; t < s.length(); t++) scaled[t] = sc.transform(s.rows()[t]);
            for (int t = w; t < s.length(); t++, i++) {
                for (int a = 0; a < w; a++) {
                    for (int b = 0; b < f; b++) x[(i * w + a) * f + b] = (float) scaled[t - w + a][b];
                }
                for (int b = 0; b < k; b++) {
                    y[i * k + b] = (float) scaled[t][b];
                    m[i * k + b] = trace && b > 0 ? 0f : 1f;
                }
            }
        }
        return new Windows(x, y, m, n);
    }

    static Windows concat(Windows a, Windows b) {
        return new Windows(cat(a.x(), b.x()), cat(a.y(), b.y()), cat(a.mask(), b.mask()), a.n() + b.n());
    }

    static float[] cat(float[] a, float[] b) {
        float[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static SavedModels.Forward forward(float[] deltaScale) {
        return (tf, p, in) -> ForecasterNet.forward(tf, p, in, HIDDEN, deltaScale);
    }

    /** Mean absolute one-step change per target (scaled units) over training windows, floored at 1e-3. */
    static float[] deltaScale(Windows w) {
        int k = ForecasterNet.TARGETS, f = ForecasterNet.FEATURES, win = ForecasterNet.WINDOW;
        double[] sum = new double[k];
        double[] cnt = new double[k];
        for (int i = 0; i < w.n(); i++) {
            for (int b = 0; b < k; b++) {
                if (w.mask()[i * k + b] == 0) continue;
                double last = w.x()[(i * win + win - 1) * f + b];
                sum[b] += Math.abs(w.y()[i * k + b] - last);
                cnt[b]++;
            }
        }
        float[] out = new float[k];
        for (int b = 0; b < k; b++) out[b] = (float) Math.max(1e-3, cnt[b] == 0 ? 1 : sum[b] / cnt[b]);
        return out;
    }

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, cfg.maxEpochs() + 2);
        DataSplit ds = data(cfg);
        List<double[]> fitRows = new ArrayList<>();
        for (LinkSeries s : ds.links().train()) fitRows.addAll(List.of(s.rows()));
        for (LinkSeries s : ds.traces().train()) fitRows.addAll(List.of(s.rows()));
        Scaler sc = Scaler.fit(Scaler.Kind.STANDARD, fitRows.toArray(new double[0][]), LOG);
        Windows tr = concat(windows(ds.links().train(), sc, false), windows(ds.traces().train(), sc, true));
        Windows va = concat(windows(ds.links().val(), sc, false), windows(ds.traces().val(), sc, true));
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, k = ForecasterNet.TARGETS;
        TfTraining.Data data = new TfTraining.Data(
                Map.of("x", tr.x(), "y", tr.y(), "mask", tr.mask()), Map.of("x", va.x(), "y", va.y(), "mask", va.mask()));
        float[] dScale = deltaScale(tr);
        TfTraining.Loss loss = (tf, out, aux) -> {
            // Error in units of the typical one-step change, so bandwidth does not drown in the scale of the mixture.
            Operand<TFloat32> err = tf.math.div(tf.math.abs(tf.math.sub(out.get("y"), aux.get("y"))), tf.constant(dScale));
            Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {0, 1});
            return tf.math.div(tf.math.mean(tf.math.mul(err, aux.get("mask")), axes), tf.math.mean(aux.get("mask"), axes));
        };
        TrainLoop.Settings settings = new TrainLoop.Settings(cfg.maxEpochs(), 128, 2e-3f, 4, 2, 0.5f, 1e-5f, 1e-5,
                cfg.seed());
        TfTraining.Fit fit = TfTraining.fit(NAME, cfg, forward(dScale), Map.of("x", new long[] {w, f}),
                new LinkedHashMap<>(Map.of("y", new long[] {k}, "mask", new long[] {k})), loss, data, settings, progress);

        Path dir = cfg.outputDir().resolve(NAME);
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        if (Files.exists(sm)) ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, forward(dScale), fit.weights(), Map.of("x", new long[] {w, f}));

        // Confidence calibration on validation windows, through the exported model.
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("architecture", "[x, (x-x_last)/delta_scale] -> LSTM(" + HIDDEN + ", unrolled 10) -> dense(" + HIDDEN + ", tanh) -> dense(4)*delta_scale + x_last");
        params.put("parameters", fit.paramCount());
        params.put("loss", "masked MAE of (y - target)/delta_scale in scaled space (trace rows: bandwidth only)");
        params.put("optimizer", "Adam (raw ApplyAdam, lr 2e-3, halve on 2-epoch plateau), batch 128");
        params.put("delta_scale", dScale);
        params.put("confidence_a", 0.0);
        params.put("confidence_b", 0.0);
        params.put("trace_fill", Map.of("latency_ms", Traces.FILL_LATENCY_MS, "packet_loss", Traces.FILL_LOSS,
                "jitter_ms", Traces.FILL_JITTER_MS, "day_of_week", 0));
        ModelMetadata draft = metadata(cfg, sc, params, Map.of(), false, Map.of());
        draft.write(dir.resolve(ModelMetadata.FILE));
        double[] ab;
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
            List<LinkSeries> val = new ArrayList<>(ds.links().val());
            val.addAll(ds.traces().val());
            ab = fitConfidence(fc, val);
        }
        params.put("confidence_a", ab[0]);
        params.put("confidence_b", ab[1]);
        metadata(cfg, sc, params, Map.of(), false, Map.of()).write(dir.resolve(ModelMetadata.FILE));
        progress.step(NAME, cfg.maxEpochs() + 1, "exported, evaluating");

        // Test evaluation through the exported SavedModel, exactly as the agent will call it.
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> smoke;
        List<BandwidthEval.Row> traceRows;
        BandwidthEval.Forecasts showTrace = null, showLink = null;
        String showTraceId = null, showLinkId = null;
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
            List<Double> act = new ArrayList<>(), pred = new ArrayList<>(), lastV = new ArrayList<>();
            Map<LinkType, List<double[]>> byType = new LinkedHashMap<>();
            double[][] other = new double[3][];
            List<double[]> latJit = new ArrayList<>();
            for (LinkSeries s : ds.links().test()) {
                float[][][] win = allWindows(s);
                float[][] p = fc.predict(win);
                for (int i = 0; i < p.length; i++) {
                    double[] next = s.rows()[i + w];
                    act.add(next[0]);
                    pred.add((double) p[i][0]);
                    lastV.add(s.rows()[i + w - 1][0]);
                    byType.computeIfAbsent(s.linkType(), t -> new ArrayList<>()).add(new double[] {next[0], p[i][0]});
                    latJit.add(new double[] {next[1], p[i][1], next[2], p[i][2], next[3], p[i][3]});
                }
                if (showLink == null) {
                    showLink = BandwidthEval.forecast(fc, s);
                    showLinkId = s.id();
                }
            }
            double[] a = act.stream().mapToDouble(Double::doubleValue).toArray();
            double[] pr = pred.stream().mapToDouble(Double::doubleValue).toArray();
            m.put("synthetic_bandwidth_correlation", Metrics.pearson(a, pr));
            m.put("synthetic_bandwidth_mape", Metrics.mape(a, pr));
            m.put("synthetic_bandwidth_median_ape", Metrics.medianApe(a, pr));
            double[] lv = lastV.stream().mapToDouble(Double::doubleValue).toArray();
            m.put("synthetic_last_value_mape", Metrics.mape(a, lv));
            m.put("synthetic_last_value_correlation", Metrics.pearson(a, lv));
            for (var e : byType.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
                double[] y = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
                m.put("synthetic_bandwidth_correlation_" + e.getKey().name().toLowerCase(), Metrics.pearson(x, y));
                m.put("synthetic_bandwidth_mape_" + e.getKey().name().toLowerCase(), Metrics.mape(x, y));
            }
            double[][] lj = new double[6][latJit.size()];
            for (int i = 0; i < latJit.size(); i++) for (int j = 0; j < 6; j++) lj[j][i] = latJit.get(i)[j];
            m.put("synthetic_latency_mape", Metrics.mape(lj[0], lj[1]));
            m.put("synthetic_loss_mae", Metrics.mae(lj[2], lj[3]));
            m.put("synthetic_jitter_mape", Metrics.mape(lj[4], lj[5]));
            m.put("synthetic_test_windows", a.length);
            traceRows = BandwidthEval.compare(fc, ds.traces().test());
            BandwidthEval.Row all = traceRows.get(traceRows.size() - 1);
            m.put("traces_model_median_ape", all.modelMedianApe());
            m.put("traces_last_value_median_ape", all.lastMedianApe());
            m.put("traces_harmonic_mean5_median_ape", all.hm5MedianApe());
            m.put("traces_model_mape", all.modelMape());
            m.put("traces_last_value_mape", all.lastMape());
            m.put("traces_harmonic_mean5_mape", all.hm5Mape());
            m.put("traces_model_beats_last_value", all.modelMedianApe() < all.lastMedianApe() ? 1.0 : 0.0);
            m.put("traces_model_beats_harmonic_mean5", all.modelMedianApe() < all.hm5MedianApe() ? 1.0 : 0.0);
            m.put("traces_test", ds.traces().test().stream().map(LinkSeries::id).toList());
            m.put("traces_test_windows", all.n());
            LinkSeries st = ds.traces().test().get(0);
            showTrace = BandwidthEval.forecast(fc, st);
            showTraceId = st.id();
            // Smoke test: two raw windows and the exported model's outputs for them.
            float[][][] sIn = {allWindows(ds.links().test().get(0))[0], allWindows(st)[0]};
            smoke = Map.of("inputs", sIn, "outputs", fc.predict(sIn));
        }
        boolean met = Target.all(m, targets(cfg.targetAccuracy()));
        ModelMetadata md = metadata(cfg, sc, params, m, met, smoke);
        md.write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");

        // Plots and report.
        TfTraining.plotLoss(dir.resolve("loss_curves.png"), "Bandwidth forecaster loss", fit.history());
        plotForecast(dir.resolve("forecast_vs_actual_trace.png"), "Next-step bandwidth on held-out real trace " + showTraceId,
                showTrace, 400);
        plotForecast(dir.resolve("forecast_vs_actual_synthetic.png"), "Next-step bandwidth on held-out synthetic "
                + showLinkId, showLink, 600);
        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(NAME, "Bandwidth forecaster (LSTM)");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(targets(cfg.targetAccuracy()))).put("params", params)
                .put("seed", cfg.seed()).put("training_seconds", secs).put("history", TfTraining.historyJson(fit.history()))
                .put("traces", traceRows.stream().map(BandwidthEval.Row::toMap).toList());
        r.para("Unrolled LSTM (" + HIDDEN + " units, " + fit.paramCount() + " parameters) on 10-step windows of the 6 "
                + "NetworkSample features; predicts next bandwidth/latency/loss/jitter as a residual on the last step. "
                + "Trained on synthetic links (" + ds.links().train().size() + " train / " + ds.links().val().size()
                + " val / " + ds.links().test().size() + " test links) and bundled pensieve traces ("
                + ds.traces().train().size() + " / " + ds.traces().val().size() + " / " + ds.traces().test().size()
                + " traces), split by series. All figures below are on the test series, through the exported SavedModel.");
        r.para("**Target met: " + (met ? "yes" : "NO") + "**");
        r.targets(m, targets(cfg.targetAccuracy()));
        r.para("Real traces, one-step-ahead median / mean absolute percentage error (test traces):");
        List<List<Object>> rows = new ArrayList<>();
        for (BandwidthEval.Row t : traceRows) {
            rows.add(List.of(t.series(), t.n(), t.modelMedianApe(), t.lastMedianApe(), t.hm5MedianApe(), t.modelMape(),
                    t.lastMape(), t.hm5Mape()));
        }
        r.table(List.of("trace", "windows", "model MdAPE %", "last-value MdAPE %", "harmonic-5 MdAPE %", "model MAPE %",
                "last-value MAPE %", "harmonic-5 MAPE %"), rows);
        r.para("Synthetic per-link-type and auxiliary metrics: " + m.entrySet().stream()
                .filter(e -> e.getKey().startsWith("synthetic_")).map(e -> e.getKey() + "=" + Report.fmt(e.getValue()))
                .toList());
        r.para("Training: " + fit.history().trainLoss().size() + " epochs, best " + (fit.history().bestEpoch() + 1) + ", "
                + fit.history().stopReason() + ", " + String.format("%.1f", fit.seconds()) + " s.");
        r.image("Loss curves", "loss_curves.png").image("Forecast vs actual, real trace", "forecast_vs_actual_trace.png")
                .image("Forecast vs actual, synthetic", "forecast_vs_actual_synthetic.png");
        r.write(dir);
        progress.finish(NAME);
        return new TrainResult(NAME, dir, met, m, Target.spec(targets(cfg.targetAccuracy())), secs, String.format(
                "corr=%.4f mape=%.2f%% traces MdAPE model=%.2f last=%.2f hm5=%.2f",
                (double) m.get("synthetic_bandwidth_correlation"), (double) m.get("synthetic_bandwidth_mape"),
                (double) m.get("traces_model_median_ape"), (double) m.get("traces_last_value_median_ape"),
                (double) m.get("traces_harmonic_mean5_median_ape")));
    }

    static ModelMetadata metadata(TrainConfig cfg, Scaler sc, Map<String, Object> params, Map<String, Object> metrics,
                                  boolean met, Map<String, Object> smoke) {
        return new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.BANDWIDTH.features(),
                List.of("bandwidth_mbps", "latency_ms", "packet_loss", "jitter_ms", "confidence"),
                Schemas.BANDWIDTH.window(), sc, sc, Map.of(), metrics, Target.spec(targets(cfg.targetAccuracy())), met, "saved_model",
                params, smoke);
    }

    static float[][][] allWindows(LinkSeries s) {
        int w = ForecasterNet.WINDOW;
        int n = Math.max(0, s.length() - w);
        float[][][] out = new float[n][w][];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < w; k++) {
                double[] r = s.rows()[i + k];
                float[] fr = new float[r.length];
                for (int j = 0; j < r.length; j++) fr[j] = (float) r[j];
                out[i][k] = fr;
            }
        }
        return out;
    }

    /** Least squares of APE (percent) on window CV over validation windows: expectedApe = a + b·cv. */
    static double[] fitConfidence(BandwidthForecaster fc, List<LinkSeries> val) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        long n = 0;
        for (LinkSeries s : val) {
            float[][][] win = allWindows(s);
            if (win.length == 0) continue;
            float[][] p = fc.predict(win);
            for (int i = 0; i < win.length; i++) {
                double actual = s.rows()[i + ForecasterNet.WINDOW][0];
                if (actual == 0) continue;
                double ape = 100 * Math.abs(p[i][0] - actual) / actual;
                double cv = BandwidthForecaster.cv(win[i]);
                sx += cv;
                sy += ape;
                sxx += cv * cv;
                sxy += cv * ape;
                n++;
            }
        }
        double b = (n * sxy - sx * sy) / Math.max(1e-12, n * sxx - sx * sx);
        double a = (sy - b * sx) / n;
        return new double[] {a, b};
    }

    static void plotForecast(Path file, String title, BandwidthEval.Forecasts f, int max) throws Exception {
        int n = Math.min(max, f.actual().length);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("actual", new double[][] {x, java.util.Arrays.copyOf(f.actual(), n)});
        s.put("LSTM forecast", new double[][] {x, java.util.Arrays.copyOf(f.model(), n)});
        s.put("last value", new double[][] {x, java.util.Arrays.copyOf(f.last(), n)});
        s.put("harmonic mean of 5", new double[][] {x, java.util.Arrays.copyOf(f.hm5(), n)});
        Plots.lines(file, title, "step", "Mbit/s", s, false);
    }
}

package io.dwcp.models.train;

import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.data.SyntheticDegradation;
import io.dwcp.models.eval.TrendExtrapolation;
import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.DegradationNet;
import io.dwcp.models.report.Plots;
import io.dwcp.models.report.Report;
import io.dwcp.models.report.Report.Target;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.tf.SavedModels;
import io.dwcp.models.tf.TrainLoop;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Performance-degradation forecaster: bidirectional LSTM + temporal attention on 60-step link windows in
 * SLO-headroom coordinates ({@link DegradationFeatures}), forecasting latency, throughput and error rate for
 * the next {@link #HORIZON} steps and the probability that the SLO is breached within them. Trained on
 * {@link SyntheticDegradation} series split by series (60/15/25). Loss: MAE of the headroom forecast (a
 * log-ratio, so it tracks relative error) plus binary cross-entropy of the breach label.
 *
 * <p>The warning threshold is the lowest probability whose false-warning rate on <em>validation</em> healthy
 * windows is at most {@link #VAL_FWR_BUDGET}; the test split is only evaluated. Definitions (also in the
 * report): a degradation event is <em>detected early</em> when some window ending between {@code HORIZON}
 * and {@link #LEAD} steps before the first breached step is flagged; a window is <em>healthy</em> when no
 * SLO breach occurs from 5 steps before its end to the end of its horizon and no labelled degradation onset
 * lies before the end of its horizon (benign bumps count as healthy); the false-warning rate is the share of
 * healthy windows flagged. Stateless.
 */
public final class DegradationTrainer implements ModelTrainer {
    public static final String NAME = "degradation";
    public static final int HORIZON = 30, LEAD = 10, LENGTH = 400;
    public static final DegradationNet.Shape SHAPE = new DegradationNet.Shape(16, 1, 16, 32, HORIZON);
    public static final double VAL_FWR_BUDGET = 0.03;
    static final int[] REPORT_STEPS = {1, 5, 10, 15, 20, 25, 30};
    public static final List<Target> TARGETS = List.of(
            new Target("lead10_detection_rate", ">=", 0.90),
            new Target("false_warning_rate", "<=", 0.05));

    @Override
    public String name() {
        return NAME;
    }

    /** Flat training arrays: x [n, 60, 5], y [n, H, 3] (headroom), label [n, 1]. */
    record Windows(float[] x, float[] y, float[] label, int n) {}

    static Windows windows(List<DegradationSeries> series, int stride) {
        int w = DegradationNet.WINDOW, f = DegradationFeatures.FEATURES, k = DegradationFeatures.TARGETS;
        int n = 0;
        for (DegradationSeries s : series) n += count(s, stride);
        float[] x = new float[n * w * f], y = new float[n * HORIZON * k], lab = new float[n];
        int i = 0;
        float[] tmp = new float[f];
        for (DegradationSeries s : series) {
            float[] h = headroom(s);
            boolean[] br = s.breaches();
            for (int e = w - 1; e + HORIZON < s.length(); e += stride, i++) {
                System.arraycopy(h, (e - w + 1) * f, x, i * w * f, w * f);
                for (int t = 0; t < HORIZON; t++) {
                    System.arraycopy(h, (e + 1 + t) * f, tmp, 0, f);
                    System.arraycopy(tmp, 0, y, (i * HORIZON + t) * k, k);
                }
                lab[i] = breachWithin(br, e) ? 1f : 0f;
            }
        }
        return new Windows(x, y, lab, n);
    }

    static int count(DegradationSeries s, int stride) {
        int first = DegradationNet.WINDOW - 1, last = s.length() - HORIZON - 1;
        return last < first ? 0 : (last - first) / stride + 1;
    }

    /** The whole series in headroom coordinates, flat [length × 5]. */
    static float[] headroom(DegradationSeries s) {
        float[] out = new float[s.length() * DegradationFeatures.FEATURES];
        float[] row = new float[6];
        for (int t = 0; t < s.length(); t++) {
            for (int j = 0; j < 6; j++) row[j] = (float) s.rows()[t][j];
            DegradationFeatures.transform(row, s.slo().latencyMs(), s.slo().throughputMbps(), s.slo().errorRate(), out,
                    t * DegradationFeatures.FEATURES);
        }
        return out;
    }

    static boolean breachWithin(boolean[] br, int e) {
        for (int t = e + 1; t <= e + HORIZON && t < br.length; t++) if (br[t]) return true;
        return false;
    }

    static SavedModels.Forward training() {
        return (tf, p, in) -> DegradationNet.forward(tf, p, in, SHAPE);
    }

    static SavedModels.Forward serving() {
        return (tf, p, in) -> DegradationNet.serving(tf, p, in, SHAPE);
    }

    /** Every window of a series scored: breach score and forecast (raw units) per window end. */
    record Scored(DegradationSeries s, int[] ends, double[] score, double[][][] forecast) {}

    interface Scorer {
        Scored score(DegradationSeries s);
    }

    static float[][][] rawWindows(DegradationSeries s) {
        int w = DegradationNet.WINDOW;
        int n = count(s, 1);
        float[][][] out = new float[n][w][6];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < w; t++) {
                double[] r = s.rows()[i + t];
                for (int j = 0; j < 6; j++) out[i][t][j] = (float) r[j];
            }
        }
        return out;
    }

    static Scorer model(DegradationForecaster fc) {
        return s -> {
            float[][][] win = rawWindows(s);
            int n = win.length;
            int[] ends = new int[n];
            double[] sc = new double[n];
            double[][][] fcs = new double[n][][];
            for (int from = 0; from < n; from += 512) {
                float[][][] part = Arrays.copyOfRange(win, from, Math.min(n, from + 512));
                DegradationForecaster.Forecast[] r = fc.predict(part, s.slo());
                for (int i = 0; i < r.length; i++) {
                    ends[from + i] = from + i + DegradationNet.WINDOW - 1;
                    sc[from + i] = r[i].probability();
                    fcs[from + i] = new double[][] {r[i].latencyMs(), r[i].throughputMbps(), r[i].errorRate()};
                }
            }
            return new Scored(s, ends, sc, fcs);
        };
    }

    /** Linear trend over the last 20 steps; score = highest smoothed extrapolated headroom (0 = on the SLO line). */
    static Scorer trend() {
        return s -> {
            float[] h = headroom(s);
            int w = DegradationNet.WINDOW, f = DegradationFeatures.FEATURES, n = count(s, 1);
            int[] ends = new int[n];
            double[] sc = new double[n];
            double[][][] fcs = new double[n][][];
            for (int i = 0; i < n; i++) {
                int e = i + w - 1;
                float[] x = Arrays.copyOfRange(h, (e - w + 1) * f, (e + 1) * f);
                float[][] hf = TrendExtrapolation.forecast(x, w, HORIZON);
                ends[i] = e;
                sc[i] = TrendExtrapolation.score(hf);
                fcs[i] = toRaw(hf, s.slo());
            }
            return new Scored(s, ends, sc, fcs);
        };
    }

    /** Persistence: the last value held over the horizon (forecast only; its score is the current headroom). */
    static Scorer lastValue() {
        return s -> {
            float[] h = headroom(s);
            int w = DegradationNet.WINDOW, f = DegradationFeatures.FEATURES, n = count(s, 1);
            int[] ends = new int[n];
            double[] sc = new double[n];
            double[][][] fcs = new double[n][][];
            for (int i = 0; i < n; i++) {
                int e = i + w - 1;
                float[][] hf = new float[HORIZON][DegradationFeatures.TARGETS];
                double best = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < DegradationFeatures.TARGETS; k++) {
                    for (int t = 0; t < HORIZON; t++) hf[t][k] = h[e * f + k];
                    best = Math.max(best, h[e * f + k]);
                }
                ends[i] = e;
                sc[i] = best;
                fcs[i] = toRaw(hf, s.slo());
            }
            return new Scored(s, ends, sc, fcs);
        };
    }

    static double[][] toRaw(float[][] hf, DegradationSeries.Slo slo) {
        double[][] out = new double[DegradationFeatures.TARGETS][hf.length];
        for (int t = 0; t < hf.length; t++) {
            for (int k = 0; k < DegradationFeatures.TARGETS; k++) {
                out[k][t] = DegradationFeatures.toRaw(k, hf[t][k], slo.latencyMs(), slo.throughputMbps(), slo.errorRate());
            }
        }
        return out;
    }

    /** Healthy-window scores, and per event the best score in its early-warning band [breach-H, breach-LEAD]. */
    record Pools(double[] healthy, double[] label0, double[] eventBest, String[] eventShape) {}

    static Pools pools(List<Scored> scored) {
        List<Double> healthy = new ArrayList<>(), l0 = new ArrayList<>(), ev = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (Scored sc : scored) {
            DegradationSeries s = sc.s();
            boolean[] br = s.breaches();
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < sc.ends().length; i++) {
                int e = sc.ends()[i];
                if (!breachWithin(br, e) && !br[e]) l0.add(sc.score()[i]);
                if (healthy(s, br, e)) healthy.add(sc.score()[i]);
                if (s.degrading() && e >= s.breach() - HORIZON && e <= s.breach() - LEAD) best = Math.max(best, sc.score()[i]);
            }
            if (s.degrading()) {
                ev.add(best);
                shapes.add(s.shape());
            }
        }
        return new Pools(arr(healthy), arr(l0), arr(ev), shapes.toArray(new String[0]));
    }

    static boolean healthy(DegradationSeries s, boolean[] br, int e) {
        for (int t = Math.max(0, e - DegradationSeries.Slo.SMOOTH); t <= e + HORIZON && t < br.length; t++) if (br[t]) return false;
        boolean bump = s.shape().equals("benign") || s.shape().equals("healthy");
        return bump || s.onset() < 0 || e + HORIZON < s.onset();
    }

    static double[] arr(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Lowest threshold whose false-warning rate on {@code healthy} is at most {@code budget}. */
    static double threshold(double[] healthy, double budget) {
        double[] d = healthy.clone();
        Arrays.sort(d);
        int allowed = (int) Math.floor(budget * d.length);
        // Flag iff score >= thr: place thr just above the (allowed+1)-th highest score.
        return Math.nextUp(d[d.length - 1 - allowed]);
    }

    static double rate(double[] xs, double thr) {
        if (xs.length == 0) return Double.NaN;
        int k = 0;
        for (double x : xs) if (x >= thr) k++;
        return (double) k / xs.length;
    }

    /** Detection, false warnings, lead times and per-horizon errors of one scorer on one split. */
    static Map<String, Object> evaluate(List<Scored> scored, double thr) {
        Pools p = pools(scored);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lead10_detection_rate", rate(p.eventBest(), thr));
        m.put("false_warning_rate", rate(p.healthy(), thr));
        m.put("label0_window_flag_rate", rate(p.label0(), thr));
        Map<String, Object> byShape = new LinkedHashMap<>();
        for (String sh : SyntheticDegradation.SHAPES) {
            List<Double> xs = new ArrayList<>();
            for (int i = 0; i < p.eventShape().length; i++) if (p.eventShape()[i].equals(sh)) xs.add(p.eventBest()[i]);
            byShape.put(sh, Map.of("events", xs.size(), "lead10_detection_rate", rate(arr(xs), thr)));
        }
        m.put("lead10_detection_by_shape", byShape);
        // First warning inside [breach - H, breach]: its lead; events with none count as lead 0 (missed).
        List<Double> leads = new ArrayList<>();
        for (Scored sc : scored) {
            DegradationSeries s = sc.s();
            if (!s.degrading()) continue;
            double lead = 0;
            for (int i = 0; i < sc.ends().length; i++) {
                int e = sc.ends()[i];
                if (e >= s.breach() - HORIZON && e <= s.breach() && sc.score()[i] >= thr) {
                    lead = s.breach() - e;
                    break;
                }
            }
            leads.add(lead);
        }
        double[] la = arr(leads);
        Arrays.sort(la);
        m.put("events", la.length);
        m.put("healthy_windows", p.healthy().length);
        m.put("median_lead_steps", la.length == 0 ? Double.NaN : la[la.length / 2]);
        m.put("mean_lead_steps", Arrays.stream(la).average().orElse(Double.NaN));
        // Forecast errors per horizon step: MAPE for latency and throughput, MAE for the error rate (near zero,
        // where a percentage error is meaningless).
        double[][] ape = new double[2][HORIZON], ae = new double[1][HORIZON];
        long[] cnt = new long[HORIZON];
        for (Scored sc : scored) {
            double[][] rows = sc.s().rows();
            for (int i = 0; i < sc.ends().length; i++) {
                int e = sc.ends()[i];
                for (int h = 0; h < HORIZON; h++) {
                    double[] act = rows[e + 1 + h];
                    ape[0][h] += Math.abs(sc.forecast()[i][0][h] - act[1]) / Math.max(1e-9, act[1]);
                    ape[1][h] += Math.abs(sc.forecast()[i][1][h] - act[0]) / Math.max(1e-9, act[0]);
                    ae[0][h] += Math.abs(sc.forecast()[i][2][h] - act[2]);
                    cnt[h]++;
                }
            }
        }
        List<Double> lat = new ArrayList<>(), bw = new ArrayList<>(), err = new ArrayList<>();
        for (int h = 0; h < HORIZON; h++) {
            lat.add(100 * ape[0][h] / cnt[h]);
            bw.add(100 * ape[1][h] / cnt[h]);
            err.add(ae[0][h] / cnt[h]);
        }
        m.put("latency_mape_by_horizon", lat);
        m.put("throughput_mape_by_horizon", bw);
        m.put("error_rate_mae_by_horizon", err);
        m.put("windows", cnt[0]);
        return m;
    }

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, cfg.maxEpochs() + 2);
        List<DegradationSeries> all = SyntheticDegradation.generate(cfg.scaled(700, 24), LENGTH, cfg.seed() + 70);
        Splits.Split<DegradationSeries> split = Splits.bySeries(all, 0.6, 0.15, cfg.seed() + 71);
        Windows tr = windows(split.train(), 3), va = windows(split.val(), 3);
        int w = DegradationNet.WINDOW, f = DegradationFeatures.FEATURES, k = DegradationFeatures.TARGETS;
        TfTraining.Data data = new TfTraining.Data(Map.of("x", tr.x(), "y", tr.y(), "label", tr.label()),
                Map.of("x", va.x(), "y", va.y(), "label", va.label()));
        TfTraining.Loss loss = (tf, out, aux) -> {
            Operand<TInt32> all3 = tf.constant(new int[] {0, 1, 2});
            Operand<TFloat32> mae = tf.math.mean(tf.math.abs(tf.math.sub(out.get("y"), aux.get("y"))), all3);
            Operand<TFloat32> p = tf.math.sigmoid(out.get("logit"));
            Operand<TFloat32> yl = aux.get("label");
            Operand<TFloat32> eps = tf.constant(1e-6f), one = tf.constant(1f);
            Operand<TFloat32> bce = tf.math.neg(tf.math.add(tf.math.mul(yl, tf.math.log(tf.math.add(p, eps))),
                    tf.math.mul(tf.math.sub(one, yl), tf.math.log(tf.math.add(tf.math.sub(one, p), eps)))));
            return tf.math.add(mae, tf.math.mean(bce, tf.constant(new int[] {0, 1})));
        };
        TrainLoop.Settings settings = new TrainLoop.Settings(cfg.maxEpochs(), 128, 3e-3f, 4, 2, 0.5f, 1e-5f, 1e-5,
                cfg.seed());
        TfTraining.Fit fit = TfTraining.fit(NAME, cfg, training(), Map.of("x", new long[] {w, f}),
                new LinkedHashMap<>(Map.of("y", new long[] {HORIZON, k}, "label", new long[] {1})), loss, data, settings,
                progress);

        Path dir = cfg.outputDir().resolve(NAME);
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, serving(), fit.weights(), Map.of("x", new long[] {w, f}));

        List<double[]> fitRows = new ArrayList<>();
        for (DegradationSeries s : split.train()) fitRows.addAll(List.of(s.rows()));
        // The network reads SLO-headroom coordinates; this scaler describes the raw link inputs (drift monitoring).
        Scaler raw = Scaler.fit(Scaler.Kind.STANDARD, fitRows.toArray(new double[0][]), BandwidthTrainer.LOG);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("architecture", "headroom(x, SLO) [60x5] -> " + SHAPE.layers() + "x BiLSTM(" + SHAPE.hidden()
                + "+" + SHAPE.hidden() + ", unrolled 60) -> attention(" + SHAPE.attention() + ") -> [context, h_fw_last, x_last] -> dense("
                + SHAPE.dense() + ", tanh) -> {dense(" + HORIZON + "x3) + x_last, sigmoid(dense(1))}");
        params.put("parameters", fit.paramCount());
        params.put("horizon", HORIZON);
        params.put("lead_steps", LEAD);
        params.put("inputs", "raw link rows (bandwidth schema order) + SLO; the network sees ln(lat/slo_lat), "
                + "ln(slo_bw/bw), ln((loss+1e-4)/(slo_err+1e-4))/3, sin/cos(time of day)");
        params.put("slo_check", "breached at step t when the mean over steps t-4..t of latency > slo_latency_ms, of "
                + "throughput < slo_throughput_mbps, or of packet_loss > slo_error_rate");
        params.put("loss", "MAE of the 30x3 headroom forecast + binary cross-entropy of 'breach within 30 steps'");
        params.put("optimizer", "Adam (raw ApplyAdam, lr 3e-3, halve on 2-epoch plateau), batch 128, training windows at stride 3");
        params.put("threshold_rule", "lowest probability with false-warning rate <= " + VAL_FWR_BUDGET + " on validation healthy windows");
        params.put("scaler_note", "scaler = raw link input distribution of the training series, for drift monitoring only");
        ModelMetadata draft = metadata(cfg, raw, 0.5, params, Map.of(), false, Map.of());
        draft.write(dir.resolve(ModelMetadata.FILE));
        progress.step(NAME, cfg.maxEpochs() + 1, "exported, choosing threshold on validation");

        double thr, trendThr;
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> val, trendTest, trendSlo, lastTest;
        Map<String, Object> smoke = new LinkedHashMap<>();
        List<Scored> testScored;
        try (DegradationForecaster fc = new DegradationForecaster(ModelArtifact.load(dir), cfg.threads())) {
            Scorer ms = model(fc);
            List<Scored> vs = split.val().stream().map(ms::score).toList();
            thr = threshold(pools(vs).healthy(), VAL_FWR_BUDGET);
            val = evaluate(vs, thr);
            testScored = split.test().stream().map(ms::score).toList();
            m.putAll(evaluate(testScored, thr));
            DegradationSeries s0 = split.test().get(0);
            float[][][] sIn = {rawWindows(s0)[0]};
            DegradationForecaster.Forecast o = fc.predict(sIn, s0.slo())[0];
            smoke.put("inputs", sIn);
            smoke.put("slo", List.of(s0.slo().latencyMs(), s0.slo().throughputMbps(), s0.slo().errorRate()));
            smoke.put("probability", o.probability());
            smoke.put("latency_ms", o.latencyMs());
            smoke.put("throughput_mbps", o.throughputMbps());
            smoke.put("error_rate", o.errorRate());
            smoke.put("attention", o.attention());
        }
        Scorer ts = trend();
        trendThr = threshold(pools(split.val().stream().map(ts::score).toList()).healthy(), VAL_FWR_BUDGET);
        List<Scored> trendScored = split.test().stream().map(ts::score).toList();
        trendTest = evaluate(trendScored, trendThr);
        trendSlo = evaluate(trendScored, 0.0);
        lastTest = evaluate(split.test().stream().map(lastValue()::score).toList(), 0.0);
        m.put("threshold", thr);
        m.put("validation", Map.of("lead10_detection_rate", val.get("lead10_detection_rate"), "false_warning_rate",
                val.get("false_warning_rate"), "events", val.get("events")));
        m.put("baseline_trend_val_threshold", summary(trendTest, trendThr));
        m.put("baseline_trend_slo_crossing", summary(trendSlo, 0.0));
        m.put("baseline_last_value", summary(lastTest, 0.0));
        m.put("test_series", split.test().size());
        boolean met = Target.all(m, TARGETS);
        Map<String, Double> thresholds = Map.of("degradation", thr);
        new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.DEGRADATION.features(),
                List.of("probability", "latency_ms[h]", "throughput_mbps[h]", "error_rate[h]", "attention[60]"),
                Schemas.DEGRADATION.window(), raw, null, thresholds, m, Target.spec(TARGETS), met, "saved_model", params,
                smoke).write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");

        TfTraining.plotLoss(dir.resolve("loss_curves.png"), "Degradation forecaster loss (MAE + BCE)", fit.history());
        plotHorizon(dir.resolve("mape_by_horizon.png"), m, trendTest, lastTest);
        plotExample(dir.resolve("example_forecast.png"), testScored, thr);
        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(NAME, "Performance-degradation forecaster (BiLSTM + attention)");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(TARGETS)).put("params", params)
                .put("seed", cfg.seed()).put("training_seconds", secs).put("history", TfTraining.historyJson(fit.history()))
                .put("baselines", Map.of("trend_val_threshold", trendTest, "trend_slo_crossing", trendSlo, "last_value", lastTest));
        r.para(String.format("Seed %d, %d synthetic series of %d steps split by series (train %d, validation %d, test %d), "
                        + "window %d, horizon %d. Trained in %.1f s (%d parameters, best epoch %d, %s). Threshold %.4f "
                        + "chosen on validation (false-warning budget %.0f%%). All figures below are on the held-out test split.",
                cfg.seed(), all.size(), LENGTH, split.train().size(), split.val().size(), split.test().size(),
                DegradationNet.WINDOW, HORIZON, secs, fit.paramCount(), fit.history().bestEpoch() + 1,
                fit.history().stopReason(), thr, 100 * VAL_FWR_BUDGET));
        r.para("Definitions. SLO check at step t: the mean over steps t-4..t of latency above the latency ceiling, "
                + "of throughput below the floor, or of packet loss above the error ceiling. A degradation event is "
                + "**detected early** when a window ending between 30 and 10 steps before the first breached step "
                + "has probability >= threshold. A window is **healthy** when no breach occurs from 5 steps before its "
                + "end to the end of its horizon and no degradation onset lies before the end of its horizon (benign, "
                + "non-breaching bumps are healthy); the **false-warning rate** is the share of healthy windows flagged. "
                + "`label0_window_flag_rate` also counts windows inside a developing degradation whose breach is more "
                + "than 30 steps away.");
        r.targets(m, TARGETS);
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("BiLSTM + attention (threshold from validation)", m));
        rows.add(row("linear trend, threshold from validation", trendTest));
        rows.add(row("linear trend, warn when it crosses the SLO", trendSlo));
        rows.add(row("last value, warn when over the SLO", lastTest));
        r.table(List.of("forecaster", "lead>=10 detection", "false warnings", "label-0 flag rate", "median lead",
                "latency MAPE h=10", "throughput MAPE h=10", "latency MAPE h=30", "throughput MAPE h=30"), rows);
        @SuppressWarnings("unchecked")
        Map<String, Object> bs = (Map<String, Object>) m.get("lead10_detection_by_shape");
        List<List<Object>> srows = new ArrayList<>();
        bs.forEach((sh, v) -> srows.add(List.of(sh, ((Map<?, ?>) v).get("events"), ((Map<?, ?>) v).get("lead10_detection_rate"))));
        r.para("Early detection by onset shape (test):");
        r.table(List.of("shape", "events", "lead>=10 detection"), srows);
        r.para("Forecast error per horizon step (test; MAPE in %, error rate as MAE):");
        List<List<Object>> hrows = new ArrayList<>();
        for (int h : REPORT_STEPS) {
            hrows.add(List.of(h, at(m, "latency_mape_by_horizon", h), at(trendTest, "latency_mape_by_horizon", h),
                    at(lastTest, "latency_mape_by_horizon", h), at(m, "throughput_mape_by_horizon", h),
                    at(trendTest, "throughput_mape_by_horizon", h), at(lastTest, "throughput_mape_by_horizon", h),
                    at(m, "error_rate_mae_by_horizon", h), at(trendTest, "error_rate_mae_by_horizon", h)));
        }
        r.table(List.of("step", "latency model", "latency trend", "latency last", "throughput model", "throughput trend",
                "throughput last", "error MAE model", "error MAE trend"), hrows);
        r.image("Loss curves", "loss_curves.png").image("MAPE by horizon", "mape_by_horizon.png")
                .image("A test series: probability, threshold and SLO breach", "example_forecast.png");
        r.write(dir);
        progress.finish(NAME);
        return new TrainResult(NAME, dir, met, m, Target.spec(TARGETS), secs, String.format(
                "lead>=10 detection=%.3f false warnings=%.4f (trend: %.3f / %.4f) latency MAPE h10=%.2f%%",
                (double) m.get("lead10_detection_rate"), (double) m.get("false_warning_rate"),
                (double) trendTest.get("lead10_detection_rate"), (double) trendTest.get("false_warning_rate"),
                at(m, "latency_mape_by_horizon", 10)));
    }

    static Map<String, Object> summary(Map<String, Object> e, double thr) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("threshold", thr);
        for (String key : List.of("lead10_detection_rate", "false_warning_rate", "label0_window_flag_rate", "median_lead_steps")) {
            s.put(key, e.get(key));
        }
        s.put("latency_mape_h10", at(e, "latency_mape_by_horizon", 10));
        s.put("latency_mape_h30", at(e, "latency_mape_by_horizon", 30));
        s.put("throughput_mape_h10", at(e, "throughput_mape_by_horizon", 10));
        s.put("throughput_mape_h30", at(e, "throughput_mape_by_horizon", 30));
        return s;
    }

    static List<Object> row(String name, Map<String, Object> e) {
        return List.of(name, e.get("lead10_detection_rate"), e.get("false_warning_rate"), e.get("label0_window_flag_rate"),
                e.get("median_lead_steps"), at(e, "latency_mape_by_horizon", 10), at(e, "throughput_mape_by_horizon", 10),
                at(e, "latency_mape_by_horizon", 30), at(e, "throughput_mape_by_horizon", 30));
    }

    @SuppressWarnings("unchecked")
    static double at(Map<String, Object> e, String key, int step) {
        return ((List<Double>) e.get(key)).get(step - 1);
    }

    static ModelMetadata metadata(TrainConfig cfg, Scaler sc, double thr, Map<String, Object> params,
                                  Map<String, Object> metrics, boolean met, Map<String, Object> smoke) {
        return new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.DEGRADATION.features(),
                List.of("probability", "latency_ms[h]", "throughput_mbps[h]", "error_rate[h]", "attention[60]"),
                Schemas.DEGRADATION.window(), sc, null, Map.of("degradation", thr), metrics, Target.spec(TARGETS), met,
                "saved_model", params, smoke);
    }

    @SuppressWarnings("unchecked")
    static void plotHorizon(Path file, Map<String, Object> model, Map<String, Object> trend, Map<String, Object> last)
            throws Exception {
        double[] x = new double[HORIZON];
        for (int i = 0; i < HORIZON; i++) x[i] = i + 1;
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("latency, model", new double[][] {x, arr((List<Double>) model.get("latency_mape_by_horizon"))});
        s.put("latency, trend", new double[][] {x, arr((List<Double>) trend.get("latency_mape_by_horizon"))});
        s.put("latency, last value", new double[][] {x, arr((List<Double>) last.get("latency_mape_by_horizon"))});
        s.put("throughput, model", new double[][] {x, arr((List<Double>) model.get("throughput_mape_by_horizon"))});
        s.put("throughput, trend", new double[][] {x, arr((List<Double>) trend.get("throughput_mape_by_horizon"))});
        s.put("throughput, last value", new double[][] {x, arr((List<Double>) last.get("throughput_mape_by_horizon"))});
        Plots.lines(file, "Forecast MAPE by horizon step (test)", "steps ahead", "MAPE %", s, false);
    }

    static void plotExample(Path file, List<Scored> scored, double thr) throws Exception {
        Scored ex = scored.stream().filter(s -> s.s().degrading()).findFirst().orElse(scored.get(0));
        boolean[] br = ex.s().breaches();
        int n = ex.ends().length;
        double[] x = new double[n], p = new double[n], th = new double[n], b = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = ex.ends()[i];
            p[i] = ex.score()[i];
            th[i] = thr;
            b[i] = br[ex.ends()[i]] ? 1 : 0;
        }
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("P(breach within 30 steps)", new double[][] {x, p});
        s.put("threshold", new double[][] {x, th});
        s.put("SLO breached now", new double[][] {x, b});
        Plots.lines(file, "Test series " + ex.s().id() + " (" + ex.s().shape() + ", " + ex.s().metric() + ")", "step",
                "probability", s, false);
    }
}

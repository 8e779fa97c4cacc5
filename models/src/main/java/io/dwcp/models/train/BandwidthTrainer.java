package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.data.Traces;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.features.LinkFeatures;
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
import io.dwcp.models.serving.arbitration.ResidualPrior;
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
 * Bandwidth forecaster (issue 14): unrolled LSTM on windows of 10 steps seen through {@link LinkFeatures} —
 * scale-free (log ratios to the window's level), with the sampling interval as an input and no clock features —
 * predicting the next bandwidth, latency, loss and jitter as log ratios to the window's level. Trained on
 * synthetic links (split by link, resampled ×{@link #SYNTHETIC_FACTORS}) plus real throughput traces (split by
 * trace within each family, resampled ×{@link #TRACE_FACTORS} by mean throughput over the coarser step); for
 * traces only the bandwidth target counts. Loss on bandwidth: {@code |ŷ - y|} (log-ratio L1, which targets
 * the median) plus {@code 0.15·|exp(ŷ - y) - 1|} (the APE, so large over-forecasts weigh what they cost); the
 * weights were picked on the validation split (the largest median gain over last value whose mean APE stayed
 * below last value's: APE weight 1, 0.3, 0.15, 0 tried). The other targets add {@code 0.1·|ŷ - y|/delta_scale}.
 * Stateless.
 */
public final class BandwidthTrainer implements ModelTrainer {
    public static final String NAME = "bandwidth";
    /** LSTM units; {@code -Ddwcp.forecast.hidden} overrides it for experiments (selected on validation only). */
    public static final int HIDDEN = Integer.getInteger("dwcp.forecast.hidden", 32);
    /** Weights of the APE and log-L1 terms of the bandwidth loss ({@code -Ddwcp.forecast.ape / .l1} for experiments). */
    static final float APE_WEIGHT = Float.parseFloat(System.getProperty("dwcp.forecast.ape", "0.15")),
            L1_WEIGHT = Float.parseFloat(System.getProperty("dwcp.forecast.l1", "1"));
    /** Scaler of the raw rows, kept in the metadata for the agent's drift monitor only (v2 models do not use it). */
    public static final boolean[] LOG = {true, true, false, true, false, false};
    /** Resampling factors of the traces (native step ×) and of the synthetic links used for training. */
    public static final int[] TRACE_FACTORS = {1, 2, 4, 10}, SYNTHETIC_FACTORS = {1, 2, 5};
    /**
     * Experiments only (issue 14, models/README.md; the shipped artifact uses none): {@code -Ddwcp.forecast.variant}
     * ({@link LinkFeatures.Variant}), {@code -Ddwcp.forecast.factors} (training trace factors instead of
     * {@link #TRACE_FACTORS}) and {@code -Ddwcp.forecast.phases} (that many random aggregation phases per trace and
     * factor > 1 instead of phase 0).
     */
    static final LinkFeatures.Variant VARIANT = LinkFeatures.Variant.parse(System.getProperty("dwcp.forecast.variant", ""));
    static final int[] TRAIN_TRACE_FACTORS = System.getProperty("dwcp.forecast.factors") == null ? TRACE_FACTORS
            : java.util.Arrays.stream(System.getProperty("dwcp.forecast.factors").split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    static final int PHASES = Integer.getInteger("dwcp.forecast.phases", 0);
    /** Factors the test traces are evaluated at: 3, 5 and 20 are intervals never trained on. */
    public static final int[] EVAL_FACTORS = {1, 2, 3, 4, 5, 10, 20};
    public static final List<Target> TARGETS = targets(0.98);

    /** Targets with {@code acc} as the correlation bound (the CLI's --target-accuracy). */
    public static List<Target> targets(double acc) {
        return List.of(new Target("synthetic_bandwidth_correlation", ">=", acc),
            new Target("traces_median_ape_gain_vs_last_value_pct", ">=", 10.0),
            new Target("traces_rows_model_beats_best_baseline_frac", ">=", 1.0),
            new Target("traces_mape_model_over_last_value", "<=", 1.0),
            new Target("traces_interval_coverage_error_pts", "<=", 3.0));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Synthetic links and traces (native step), each split by series; traces within each family. */
    public record DataSplit(Splits.Split<LinkSeries> links, Splits.Split<LinkSeries> traces) {}

    public static DataSplit data(TrainConfig cfg) throws Exception {
        List<LinkSeries> links = cfg.dataPath() != null ? io.dwcp.models.data.DwcpCsv.links(cfg.dataPath()) : SyntheticLinks.generate(cfg.scaled(45, 6), cfg.scaled(1500, 120) < 120 ? 120
                : Math.min(1500, cfg.scaled(1500, 120)), cfg.seed());
        List<LinkSeries> traces = cfg.tracesDir() != null ? Traces.folder(cfg.tracesDir()) : Traces.bundled();
        if (cfg.scale() < 1) traces = traces.subList(0, Math.min(traces.size(), Math.max(6, cfg.scaled(traces.size(), 6))));
        return new DataSplit(Splits.bySeries(links, 0.7, 0.15, cfg.seed() + 11), splitByFamily(traces, cfg.seed() + 12));
    }

    /** 60/20/20 by trace within each family (all traces together when a family has fewer than 5). */
    static Splits.Split<LinkSeries> splitByFamily(List<LinkSeries> traces, long seed) {
        Map<String, List<LinkSeries>> fam = new java.util.TreeMap<>();
        for (LinkSeries s : traces) fam.computeIfAbsent(Traces.family(s.id()), k -> new ArrayList<>()).add(s);
        if (fam.values().stream().anyMatch(l -> l.size() < 5)) return Splits.bySeries(traces, 0.6, 0.2, seed);
        List<LinkSeries> tr = new ArrayList<>(), va = new ArrayList<>(), te = new ArrayList<>();
        int k = 0;
        for (List<LinkSeries> l : fam.values()) {
            Splits.Split<LinkSeries> sp = Splits.bySeries(l, 0.6, 0.2, seed + k++);
            tr.addAll(sp.train());
            va.addAll(sp.val());
            te.addAll(sp.test());
        }
        return new Splits.Split<>(tr, va, te);
    }

    /** Every series at every factor (mean over the coarser step), keeping those with at least one window. */
    public static List<LinkSeries> resampled(List<LinkSeries> series, int[] factors) {
        List<LinkSeries> out = new ArrayList<>();
        for (int f : factors) {
            for (LinkSeries s : series) {
                LinkSeries r = Traces.resample(s, f, 0);
                if (r.length() > ForecasterNet.WINDOW) out.add(r);
            }
        }
        return out;
    }

    /**
     * The training traces at {@link #TRAIN_TRACE_FACTORS}: as {@link #resampled}, or with {@link #PHASES} > 0 at that
     * many distinct random phases per trace and factor (factor 1 once), so that windows of the same trace at the
     * same factor differ in where each aggregated step starts.
     */
    public static List<LinkSeries> trainingTraces(List<LinkSeries> series, long seed) {
        if (PHASES <= 0) return resampled(series, TRAIN_TRACE_FACTORS);
        java.util.Random rnd = new java.util.Random(seed);
        List<LinkSeries> out = new ArrayList<>();
        for (int f : TRAIN_TRACE_FACTORS) {
            for (LinkSeries s : series) {
                List<Integer> ph = new ArrayList<>();
                for (int p = 0; p < f; p++) ph.add(p);
                java.util.Collections.shuffle(ph, rnd);
                for (int p : ph.subList(0, f == 1 ? 1 : Math.min(PHASES, f))) {
                    LinkSeries r = Traces.resample(s, f, p);
                    if (r.length() > ForecasterNet.WINDOW) out.add(r);
                }
            }
        }
        return out;
    }

    /** Model-space windows, targets and masks of a set of series; {@code s}: per window the bandwidth code's scale. */
    record Windows(float[] x, float[] y, float[] mask, float[] s, int n) {}

    static float[][] floats(LinkSeries s) {
        float[][] f = new float[s.length()][];
        for (int t = 0; t < s.length(); t++) {
            double[] r = s.rows()[t];
            f[t] = new float[r.length];
            for (int j = 0; j < r.length; j++) f[t][j] = (float) r[j];
        }
        return f;
    }

    static Windows windows(List<LinkSeries> series, boolean trace) {
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, k = ForecasterNet.TARGETS;
        int n = 0;
        for (LinkSeries s : series) n += Math.max(0, s.length() - w);
        float[] x = new float[n * w * f], y = new float[n * k], m = new float[n * k], sc = new float[n];
        int i = 0;
        for (LinkSeries s : series) {
            float[][] rows = floats(s);
            for (int t = w; t < s.length(); t++, i++) {
                float[][] win = java.util.Arrays.copyOfRange(rows, t - w, t);
                LinkFeatures.modelInput(win, s.stepSeconds(), VARIANT, x, i * w * f);
                float[] tg = LinkFeatures.target(win, rows[t], VARIANT);
                sc[i] = (float) LinkFeatures.scaleOf(win, VARIANT);
                for (int b = 0; b < k; b++) {
                    y[i * k + b] = tg[b];
                    // APE is undefined for a zero actual; traces only carry bandwidth.
                    m[i * k + b] = b == 0 ? (rows[t][0] > 0 ? 1f : 0f) : (trace ? 0f : 1f);
                }
            }
        }
        return new Windows(x, y, m, sc, n);
    }

    static Windows concat(Windows a, Windows b) {
        return new Windows(cat(a.x(), b.x()), cat(a.y(), b.y()), cat(a.mask(), b.mask()), cat(a.s(), b.s()), a.n() + b.n());
    }

    static float[] cat(float[] a, float[] b) {
        float[] o = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static SavedModels.Forward forward(float[] deltaScale) {
        return (tf, p, in) -> ForecasterNet.forward(tf, p, in, HIDDEN, deltaScale);
    }

    /** Mean absolute one-step change per target (model units) over training windows, floored at 1e-3. */
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

    static TfTraining.Loss loss(float[] dScale) {
        return (tf, out, aux) -> {
            Operand<TFloat32> y = out.get("y"), t = aux.get("y"), mask = aux.get("mask");
            Operand<TFloat32> d = tf.math.sub(y, t);
            Operand<TFloat32> d0 = col(tf, d, 0, 1), m0 = col(tf, mask, 0, 1);
            // A volatility-normalised code is scaled back, so the loss is the shipped one in log-ratio units.
            if (VARIANT.vol()) d0 = tf.math.mul(d0, aux.get("s"));
            Operand<TFloat32> clipped = tf.math.minimum(tf.math.maximum(d0, tf.constant(-4f)), tf.constant(4f));
            Operand<TFloat32> ape = tf.math.abs(tf.math.sub(tf.math.exp(clipped), tf.constant(1f)));
            Operand<TFloat32> bw = tf.math.add(tf.math.mul(tf.constant(APE_WEIGHT), ape),
                    tf.math.mul(tf.constant(L1_WEIGHT), tf.math.abs(d0)));
            Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {0, 1});
            Operand<TFloat32> bwLoss = tf.math.div(tf.reduceSum(tf.math.mul(bw, m0), axes),
                    tf.math.add(tf.reduceSum(m0, axes), tf.constant(1e-6f)));
            Operand<TFloat32> rest = tf.math.div(col(tf, tf.math.abs(d), 1, 3), tf.constant(java.util.Arrays.copyOfRange(dScale, 1, 4)));
            Operand<TFloat32> mr = col(tf, mask, 1, 3);
            Operand<TFloat32> restLoss = tf.math.div(tf.reduceSum(tf.math.mul(rest, mr), axes),
                    tf.math.add(tf.reduceSum(mr, axes), tf.constant(1e-6f)));
            return tf.math.add(bwLoss, tf.math.mul(tf.constant(0.1f), restLoss));
        };
    }

    private static Operand<TFloat32> col(org.tensorflow.op.Ops tf, Operand<TFloat32> x, int from, int n) {
        return tf.slice(x, tf.constant(new int[] {0, from}), tf.constant(new int[] {-1, n}));
    }

    /** What {@link #fit} exported. */
    public record Fitted(Path dir, TfTraining.Fit fit, Map<String, Object> params, Scaler scaler, int trainWindows,
                         int valWindows) {}

    /**
     * Trains on the given (already resampled) series, exports {@code dir/saved_model} and a draft
     * {@code metadata.json} with the residual prior measured on the validation series through the export.
     */
    public static Fitted fit(List<LinkSeries> trainLinks, List<LinkSeries> trainTraces, List<LinkSeries> valLinks,
                             List<LinkSeries> valTraces, TrainConfig cfg, Path dir, Progress progress) throws Exception {
        trainLinks = Augmentation.augmented(trainLinks, cfg.seed());
        trainTraces = Augmentation.augmented(trainTraces, cfg.seed() + 1);
        List<double[]> fitRows = new ArrayList<>();
        for (LinkSeries s : trainLinks) fitRows.addAll(List.of(s.rows()));
        for (LinkSeries s : trainTraces) fitRows.addAll(List.of(s.rows()));
        Scaler sc = Scaler.fit(Scaler.Kind.STANDARD, fitRows.toArray(new double[0][]), LOG);
        Windows tr = concat(windows(trainLinks, false), windows(trainTraces, true));
        Windows va = concat(windows(valLinks, false), windows(valTraces, true));
        if (tr.n() == 0 || va.n() == 0) {
            throw new IllegalStateException("too little data: " + tr.n() + " training and " + va.n() + " validation windows");
        }
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, k = ForecasterNet.TARGETS;
        Map<String, float[]> trMap = new LinkedHashMap<>(Map.of("x", tr.x(), "y", tr.y(), "mask", tr.mask())),
                vaMap = new LinkedHashMap<>(Map.of("x", va.x(), "y", va.y(), "mask", va.mask()));
        LinkedHashMap<String, long[]> aux = new LinkedHashMap<>(Map.of("y", new long[] {k}, "mask", new long[] {k}));
        if (VARIANT.vol()) {
            trMap.put("s", tr.s());
            vaMap.put("s", va.s());
            aux.put("s", new long[] {1});
        }
        TfTraining.Data data = new TfTraining.Data(trMap, vaMap);
        float[] dScale = deltaScale(tr);
        TrainLoop.Settings settings = new TrainLoop.Settings(cfg.maxEpochs(), 256, 2e-3f, 4, 2, 0.5f, 1e-5f, 1e-5,
                cfg.seed());
        TfTraining.Fit fit = TfTraining.fit(NAME, cfg, forward(dScale), Map.of("x", new long[] {w, f}),
                aux, loss(dScale), data, settings, progress);
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        if (Files.exists(sm)) ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, forward(dScale), fit.weights(), Map.of("x", new long[] {w, f}));

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("feature_version", 2);
        if (!VARIANT.shipped()) params.put("feature_variant", VARIANT.toString());
        if (ForecasterNet.WINDOW != 10) params.put("window", ForecasterNet.WINDOW);
        if (TRAIN_TRACE_FACTORS != TRACE_FACTORS || PHASES > 0) {
            params.put("train_trace_factors", TRAIN_TRACE_FACTORS);
            params.put("train_trace_phases", PHASES);
        }
        params.put("features", "LinkFeatures: per step ln(v/level) of bandwidth, latency, jitter (level = window mean), "
                + "loss code, log10(step seconds), bandwidth step change; no time of day / day of week");
        params.put("architecture", "[x, (x-x_last)/delta_scale] -> LSTM(" + HIDDEN + ", unrolled 10) -> dense(" + HIDDEN
                + ", tanh) -> dense(4)*delta_scale + x_last, in log-ratio space");
        params.put("parameters", fit.paramCount());
        params.put("loss", "bandwidth: " + APE_WEIGHT + "|exp(d)-1| + " + L1_WEIGHT + "|d|, d = prediction - target log ratio (clipped ±4), zero actuals "
                + "masked; + 0.1 x masked |d|/delta_scale of latency, loss, jitter (synthetic rows only)");
        params.put("optimizer", "Adam (raw ApplyAdam, lr 2e-3, halve on 2-epoch plateau), batch 256");
        params.put("delta_scale", dScale);
        params.put("trace_factors", TRACE_FACTORS);
        if (!Augmentation.KINDS.isEmpty()) params.put("augment", Augmentation.KINDS);
        params.put("synthetic_factors", SYNTHETIC_FACTORS);
        params.put("train_windows", tr.n());
        params.put("validation_windows", va.n());
        params.put("scaler_use", "drift monitoring of raw rows only; the model reads LinkFeatures");
        params.put("trace_fill", Map.of("latency_ms", Traces.FILL_LATENCY_MS, "packet_loss", Traces.FILL_LOSS,
                "jitter_ms", Traces.FILL_JITTER_MS, "time_of_day", 0, "day_of_week", 0));
        params.put("residual_prior", ResidualPrior.FALLBACK.toParams());
        metadata(cfg, sc, params, Map.of(), false, Map.of()).write(dir.resolve(ModelMetadata.FILE));
        List<Double> res = new ArrayList<>();
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
            List<LinkSeries> val = new ArrayList<>(valLinks);
            val.addAll(valTraces);
            for (LinkSeries s : val) {
                BandwidthEval.Forecasts x = BandwidthEval.forecast(fc, s);
                for (int i = 0; i < x.actual().length; i++) {
                    if (x.actual()[i] > 0 && x.model()[i] > 0) res.add(Math.log(x.actual()[i] / x.model()[i]));
                }
            }
            // Validation figures (what variants are selected on; the test split is only reported).
            for (var e : Map.of("validation_traces", valTraces, "validation_synthetic", valLinks).entrySet()) {
                BandwidthEval.Row r = BandwidthEval.pooled(e.getKey(), "all", BandwidthEval.forecastAll(fc, e.getValue()));
                if (r == null) continue;
                params.put(e.getKey() + "_model_median_ape", r.modelMedianApe());
                params.put(e.getKey() + "_last_value_median_ape", r.lastMedianApe());
                params.put(e.getKey() + "_ewma_median_ape", r.ewmaMedianApe());
                params.put(e.getKey() + "_model_mape", r.modelMape());
                params.put(e.getKey() + "_last_value_mape", r.lastMape());
            }
        }
        params.put("residual_prior", ResidualPrior.fromSample(res.stream().mapToDouble(Double::doubleValue).toArray()).toParams());
        params.put("residual_prior_source", res.size() + " validation windows, ln(actual / forecast)");
        metadata(cfg, sc, params, Map.of(), false, Map.of()).write(dir.resolve(ModelMetadata.FILE));
        return new Fitted(dir, fit, params, sc, tr.n(), va.n());
    }

    /** Pooled rows per family × factor of the test traces, then one per family and {@code overall}. */
    public static List<BandwidthEval.Row> traceRows(BandwidthForecaster fc, List<LinkSeries> testTraces, int[] factors,
                                                    Map<String, List<BandwidthEval.Row>> perTrace) {
        Map<String, List<BandwidthEval.Forecasts>> byFam = new java.util.TreeMap<>();
        List<BandwidthEval.Row> rows = new ArrayList<>();
        List<BandwidthEval.Forecasts> all = new ArrayList<>();
        for (String fam : new java.util.TreeSet<>(testTraces.stream().map(s -> Traces.family(s.id())).toList())) {
            List<LinkSeries> famTraces = testTraces.stream().filter(s -> Traces.family(s.id()).equals(fam)).toList();
            for (int f : factors) {
                List<BandwidthEval.Forecasts> fcs = BandwidthEval.forecastAll(fc, resampled(famTraces, new int[] {f}));
                BandwidthEval.Row r = BandwidthEval.pooled(fam + " x" + f, fam, fcs);
                if (r == null) continue;
                rows.add(r);
                byFam.computeIfAbsent(fam, x -> new ArrayList<>()).addAll(fcs);
                all.addAll(fcs);
                if (perTrace != null) {
                    for (BandwidthEval.Forecasts x : fcs) {
                        BandwidthEval.Row pr = BandwidthEval.pooled(x.series(), fam, List.of(x));
                        if (pr != null) perTrace.computeIfAbsent(fam + " x" + f, k -> new ArrayList<>()).add(pr);
                    }
                }
            }
        }
        for (var e : byFam.entrySet()) {
            BandwidthEval.Row r = BandwidthEval.pooled(e.getKey() + " all", e.getKey(), e.getValue());
            if (r != null) rows.add(r);
        }
        BandwidthEval.Row o = BandwidthEval.pooled("overall", "all", all);
        if (o != null) rows.add(o);
        return rows;
    }

    /** The target metrics of a list of rows whose last is {@code overall} (the others: family × factor, family all). */
    public static Map<String, Object> traceTargets(List<BandwidthEval.Row> rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        BandwidthEval.Row all = rows.get(rows.size() - 1);
        List<BandwidthEval.Row> cells = rows.stream().filter(r -> r.series().matches(".* x\\d+")).toList();
        m.put("traces_model_median_ape", all.modelMedianApe());
        m.put("traces_last_value_median_ape", all.lastMedianApe());
        m.put("traces_harmonic_mean5_median_ape", all.hm5MedianApe());
        m.put("traces_ewma_median_ape", all.ewmaMedianApe());
        m.put("traces_served_median_ape", all.servedMedianApe());
        m.put("traces_model_mape", all.modelMape());
        m.put("traces_last_value_mape", all.lastMape());
        m.put("traces_harmonic_mean5_mape", all.hm5Mape());
        m.put("traces_ewma_mape", all.ewmaMape());
        m.put("traces_served_mape", all.servedMape());
        m.put("traces_median_ape_gain_vs_last_value_pct", 100 * (1 - all.modelMedianApe() / all.lastMedianApe()));
        m.put("traces_rows_model_beats_best_baseline_frac", cells.isEmpty() ? 0.0
                : cells.stream().filter(r -> r.modelMedianApe() < r.bestBaselineMedianApe()).count() / (double) cells.size());
        m.put("traces_rows_served_at_most_best_baseline_mape_frac", cells.isEmpty() ? 0.0
                : cells.stream().filter(r -> r.servedMape() <= r.bestBaselineMape()).count() / (double) cells.size());
        m.put("traces_mape_model_over_last_value", all.modelMape() / all.lastMape());
        m.put("traces_interval_nominal", all.intervalNominal());
        m.put("traces_interval_coverage", all.intervalCoverage());
        m.put("traces_interval_mean_width_ratio", all.intervalMeanWidthRatio());
        m.put("traces_interval_coverage_error_pts", 100 * Math.abs(all.intervalCoverage() - all.intervalNominal()));
        m.put("traces_test_windows", all.n());
        return m;
    }

    static List<Object> rowCells(BandwidthEval.Row t) {
        return List.of(t.series(), t.n(), t.modelMedianApe(), t.lastMedianApe(), t.hm5MedianApe(), t.ewmaMedianApe(),
                t.servedMedianApe(), t.modelMape(), t.lastMape(), t.hm5Mape(), t.ewmaMape(), t.servedMape(),
                t.intervalCoverage(), t.intervalMeanWidthRatio());
    }

    static final List<String> ROW_HEADER = List.of("test set", "windows", "model MdAPE %", "last MdAPE %", "hm5 MdAPE %",
            "EWMA MdAPE %", "served MdAPE %", "model MAPE %", "last MAPE %", "hm5 MAPE %", "EWMA MAPE %", "served MAPE %",
            "p10-p90 coverage", "mean width ratio");

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, cfg.maxEpochs() + 2);
        DataSplit ds = data(cfg);
        Path dir = cfg.outputDir().resolve(NAME);
        Fitted fitted = fit(resampled(ds.links().train(), SYNTHETIC_FACTORS), trainingTraces(ds.traces().train(), cfg.seed() + 17),
                resampled(ds.links().val(), SYNTHETIC_FACTORS), resampled(ds.traces().val(), TRACE_FACTORS), cfg, dir, progress);
        Map<String, Object> params = fitted.params();
        Scaler sc = fitted.scaler();
        TfTraining.Fit fit = fitted.fit();
        int w = ForecasterNet.WINDOW;
        progress.step(NAME, cfg.maxEpochs() + 1, "exported, evaluating");

        // Test evaluation through the exported SavedModel, exactly as the agent will call it.
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> smoke;
        List<BandwidthEval.Row> traceRows;
        Map<String, List<BandwidthEval.Row>> perTrace = new LinkedHashMap<>();
        BandwidthEval.Forecasts showTrace, showLink;
        String showTraceId, showLinkId;
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
            List<Double> act = new ArrayList<>(), pred = new ArrayList<>(), lastV = new ArrayList<>();
            Map<LinkType, List<double[]>> byType = new LinkedHashMap<>();
            List<double[]> latJit = new ArrayList<>();
            for (LinkSeries s : ds.links().test()) {
                float[][][] win = allWindows(s);
                double[] dt = new double[win.length];
                java.util.Arrays.fill(dt, s.stepSeconds());
                float[][] p = fc.predictWithStep(win, dt);
                for (int i = 0; i < p.length; i++) {
                    double[] next = s.rows()[i + w];
                    act.add(next[0]);
                    pred.add((double) p[i][0]);
                    lastV.add(s.rows()[i + w - 1][0]);
                    byType.computeIfAbsent(s.linkType(), t -> new ArrayList<>()).add(new double[] {next[0], p[i][0]});
                    latJit.add(new double[] {next[1], p[i][1], next[2], p[i][2], next[3], p[i][3]});
                }
            }
            double[] a = act.stream().mapToDouble(Double::doubleValue).toArray();
            double[] pr = pred.stream().mapToDouble(Double::doubleValue).toArray();
            m.put("synthetic_bandwidth_correlation", Metrics.pearson(a, pr));
            m.put("synthetic_bandwidth_mape", Metrics.mape(a, pr));
            m.put("synthetic_bandwidth_median_ape", Metrics.medianApe(a, pr));
            double[] lv = lastV.stream().mapToDouble(Double::doubleValue).toArray();
            m.put("synthetic_last_value_mape", Metrics.mape(a, lv));
            m.put("synthetic_last_value_median_ape", Metrics.medianApe(a, lv));
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
            traceRows = traceRows(fc, ds.traces().test(), EVAL_FACTORS, perTrace);
            m.putAll(traceTargets(traceRows));
            m.put("traces_test", ds.traces().test().stream().map(LinkSeries::id).toList());
            LinkSeries st = ds.traces().test().get(0);
            showTrace = BandwidthEval.forecast(fc, st);
            showTraceId = st.id();
            showLink = BandwidthEval.forecast(fc, ds.links().test().get(0));
            showLinkId = ds.links().test().get(0).id();
            // Smoke test: two raw windows and the exported model's outputs for them: "outputs" from predict(inputs)
            // (interval from the time-of-day column, 1 s for the trace's zero clock), "outputs_with_step" from
            // predictWithStep at the series' own steps.
            float[][][] sIn = {allWindows(ds.links().test().get(0))[0], allWindows(st)[0]};
            double[] steps = {ds.links().test().get(0).stepSeconds(), st.stepSeconds()};
            smoke = Map.of("inputs", sIn, "outputs", fc.predict(sIn), "step_seconds", steps,
                    "outputs_with_step", fc.predictWithStep(sIn, steps));
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
        Report r = new Report(NAME, "Bandwidth forecaster (LSTM, scale-free, interval-aware)");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(targets(cfg.targetAccuracy()))).put("params", params)
                .put("seed", cfg.seed()).put("training_seconds", secs).put("history", TfTraining.historyJson(fit.history()))
                .put("trace_rows", traceRows.stream().map(BandwidthEval.Row::toMap).toList())
                .put("per_trace", perTrace.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue().stream().map(BandwidthEval.Row::toMap).toList(), (x, y) -> x, LinkedHashMap::new)));
        r.para("Unrolled LSTM (" + HIDDEN + " units, " + fit.paramCount() + " parameters) on 10-step windows seen through "
                + "`LinkFeatures` (log ratios to the window's mean level, log10 of the sampling interval, no clock features); "
                + "predicts the next bandwidth/latency/loss/jitter as a log ratio to the window's level (residual on the last "
                + "step). Trained on synthetic links (" + ds.links().train().size() + " train / " + ds.links().val().size()
                + " val / " + ds.links().test().size() + " test links, resampled x" + java.util.Arrays.toString(SYNTHETIC_FACTORS)
                + ") and real throughput traces (" + ds.traces().train().size() + " / " + ds.traces().val().size() + " / "
                + ds.traces().test().size() + " traces, split by trace within each family, resampled x"
                + java.util.Arrays.toString(TRACE_FACTORS) + " by mean throughput). " + fitted.trainWindows() + " training / "
                + fitted.valWindows() + " validation windows. All figures below are on the test series, through the exported "
                + "SavedModel; test traces are also evaluated at x3, x5 and x20, intervals never trained on.");
        r.para("**Target met: " + (met ? "yes" : "NO") + "**");
        r.targets(m, targets(cfg.targetAccuracy()));
        r.para("Test traces, one-step-ahead median (MdAPE) / mean (MAPE) absolute percentage error, pooled per family and "
                + "resampling factor; served = `OnlineArbiter` (default settings, fresh per trace) over model, last value, "
                + "harmonic mean of 5 and EWMA(0.5); coverage/width of the `IntervalCalibrator` p10-p90 interval around the "
                + "served forecast:");
        r.table(ROW_HEADER, traceRows.stream().map(BandwidthTrainer::rowCells).toList());
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
                "corr=%.4f traces MdAPE model=%.2f last=%.2f hm5=%.2f ewma=%.2f MAPE model=%.2f last=%.2f cov=%.3f",
                (double) m.get("synthetic_bandwidth_correlation"), (double) m.get("traces_model_median_ape"),
                (double) m.get("traces_last_value_median_ape"), (double) m.get("traces_harmonic_mean5_median_ape"),
                (double) m.get("traces_ewma_median_ape"), (double) m.get("traces_model_mape"),
                (double) m.get("traces_last_value_mape"), (double) m.get("traces_interval_coverage")));
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

    static void plotForecast(Path file, String title, BandwidthEval.Forecasts f, int max) throws Exception {
        int n = Math.min(max, f.actual().length);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("actual", new double[][] {x, java.util.Arrays.copyOf(f.actual(), n)});
        s.put("LSTM forecast", new double[][] {x, java.util.Arrays.copyOf(f.model(), n)});
        s.put("last value", new double[][] {x, java.util.Arrays.copyOf(f.last(), n)});
        s.put("harmonic mean of 5", new double[][] {x, java.util.Arrays.copyOf(f.hm5(), n)});
        s.put("served (arbiter)", new double[][] {x, java.util.Arrays.copyOf(f.served(), n)});
        Plots.lines(file, title, "step", "Mbit/s", s, false);
    }
}

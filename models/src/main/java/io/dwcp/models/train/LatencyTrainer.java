package io.dwcp.models.train;

import io.dwcp.models.data.ConsensusSeries;
import io.dwcp.models.data.SyntheticConsensus;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.eval.ThresholdSelector;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.AutoencoderNet;
import io.dwcp.models.report.Plots;
import io.dwcp.models.report.Report;
import io.dwcp.models.report.Report.Target;
import io.dwcp.models.serving.LatencyDetector;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consensus latency: LSTM autoencoder with temporal attention on 30-step windows of the 12
 * {@link Schemas#LATENCY} features, robust-scaled, loss 0.7·MSE + 0.3·MAE, trained on normal windows of
 * the training clusters only. A window is labelled anomalous when at least {@value #MIN_OVERLAP} of its
 * steps are inside an anomaly episode and normal when none are; windows in between are "partial" and left
 * out of the metrics (counted in the report). Threshold: maximum detection accuracy on the validation
 * clusters' windows. Clusters are split 70/15/15. Stateless.
 */
public final class LatencyTrainer implements ModelTrainer {
    public static final String NAME = "latency";
    public static final int WINDOW = 30, MIN_OVERLAP = 10;
    public static final AutoencoderNet.Shape SHAPE = new AutoencoderNet.Shape(WINDOW, 12, 32, 16, 16);
    /**
     * log1p on the counts (queue, pending, committed, leader changes) only. Latencies stay linear: in log
     * space a sustained 5-20x congestion is a modest level shift the autoencoder learns to reproduce
     * (measured: network_congestion recall 0 with log1p latencies, run of 2026-11-23).
     */
    public static final boolean[] LOG = {true, true, true, false, false, false, true, false, false, false, false, false};
    public static final List<Target> TARGETS = targets(0.98);

    /** Targets with {@code acc} as the detection-accuracy bound (the CLI's --target-accuracy). */
    public static List<Target> targets(double acc) {
        return List.of(new Target("detection_accuracy", ">=", acc), new Target("roc_auc", ">=", 0.99));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Windows cut from series, raw, with labels: 1 anomalous, 0 normal, -1 partial. */
    public record Cut(float[][][] windows, int[] label, String[] kind, int[] series, int[] end) {
        int n() {
            return label.length;
        }
    }

    public static Cut cut(List<ConsensusSeries> series, int stride) {
        List<float[][]> w = new ArrayList<>();
        List<Integer> lab = new ArrayList<>(), ser = new ArrayList<>(), end = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int si = 0; si < series.size(); si++) {
            ConsensusSeries s = series.get(si);
            for (int t = 0; t + WINDOW <= s.length(); t += stride) {
                float[][] win = new float[WINDOW][];
                int overlap = 0;
                String kind = null;
                for (int k = 0; k < WINDOW; k++) {
                    double[] r = s.rows()[t + k];
                    win[k] = new float[r.length];
                    for (int j = 0; j < r.length; j++) win[k][j] = (float) r[j];
                    if (s.anomalous(t + k)) {
                        overlap++;
                        kind = s.anomaly()[t + k];
                    }
                }
                w.add(win);
                lab.add(overlap >= MIN_OVERLAP ? 1 : overlap == 0 ? 0 : -1);
                kinds.add(kind);
                ser.add(si);
                end.add(t + WINDOW - 1);
            }
        }
        return new Cut(w.toArray(new float[0][][]), lab.stream().mapToInt(Integer::intValue).toArray(),
                kinds.toArray(new String[0]), ser.stream().mapToInt(Integer::intValue).toArray(),
                end.stream().mapToInt(Integer::intValue).toArray());
    }

    static float[] flatScaled(Scaler sc, List<float[][]> windows) {
        int f = windows.isEmpty() ? 0 : windows.get(0)[0].length;
        float[] out = new float[windows.size() * WINDOW * f];
        for (int i = 0; i < windows.size(); i++) sc.transformInto(windows.get(i), out, i * WINDOW * f);
        return out;
    }

    static SavedModels.Forward forward(AutoencoderNet.Shape shape) {
        return (tf, p, in) -> AutoencoderNet.forward(tf, p, in, shape);
    }

    /** Training forward: also the per-step reconstructions (see {@link AutoencoderNet#forward}). */
    static SavedModels.Forward trainingForward(AutoencoderNet.Shape shape) {
        return (tf, p, in) -> AutoencoderNet.forward(tf, p, in, shape, true);
    }

    /**
     * 0.7·MSE + 0.3·MAE of the reconstruction against the (scaled) input, as the mean over steps of
     * per-step means (equal to the mean over the whole window, and deterministic; see AutoencoderNet).
     */
    static TfTraining.Loss loss(int window) {
        return (tf, out, aux) -> {
            List<Operand<TFloat32>> target = io.dwcp.models.tf.Layers.steps(tf, aux.get("target"), window);
            Operand<TInt32> axes = tf.constant(new int[] {0, 1});
            Operand<TFloat32> sum = null;
            for (int t = 0; t < window; t++) {
                Operand<TFloat32> d = tf.math.sub(out.get(AutoencoderNet.STEP + t), target.get(t));
                Operand<TFloat32> l = tf.math.add(tf.math.mul(tf.constant(0.7f), tf.math.mean(tf.math.square(d), axes)),
                        tf.math.mul(tf.constant(0.3f), tf.math.mean(tf.math.abs(d), axes)));
                sum = sum == null ? l : tf.math.add(sum, l);
            }
            return tf.math.div(sum, tf.constant((float) window));
        };
    }

    /** Result of fitting: the trained weights, scaler and loss history (no threshold yet). */
    record Fitted(Scaler scaler, TfTraining.Fit fit) {}

    /** Trains the autoencoder on normal windows; the validation loss uses normal validation windows. */
    static Fitted fitAutoencoder(String model, TrainConfig cfg, AutoencoderNet.Shape shape, boolean[] log,
                                 List<float[][]> trainNormal, List<float[][]> valNormal, int maxTrain, Progress progress) {
        List<float[][]> tr = subsample(trainNormal, maxTrain, cfg.seed());
        List<double[]> rows = new ArrayList<>();
        for (float[][] w : tr) {
            for (float[] r : w) {
                double[] d = new double[r.length];
                for (int j = 0; j < r.length; j++) d[j] = r[j];
                rows.add(d);
            }
        }
        Scaler sc = Scaler.fit(Scaler.Kind.ROBUST, rows.toArray(new double[0][]), log);
        float[] xtr = flatScaled(sc, tr), xva = flatScaled(sc, subsample(valNormal, Math.max(500, maxTrain / 4), cfg.seed() + 1));
        long[] sample = {shape.window(), shape.features()};
        TfTraining.Data data = new TfTraining.Data(Map.of("x", xtr, "target", xtr), Map.of("x", xva, "target", xva));
        TrainLoop.Settings settings = new TrainLoop.Settings(cfg.maxEpochs(), 64, 2e-3f, 4, 2, 0.5f, 1e-5f, 1e-3,
                cfg.seed());
        TfTraining.Fit fit = TfTraining.fit(model, cfg, trainingForward(shape), Map.of("x", sample), Map.of("target", sample),
                loss(shape.window()), data, settings, progress);
        return new Fitted(sc, fit);
    }

    static List<float[][]> subsample(List<float[][]> xs, int max, long seed) {
        if (xs.size() <= max) return xs;
        List<float[][]> c = new ArrayList<>(xs);
        java.util.Collections.shuffle(c, new java.util.Random(seed));
        return c.subList(0, max);
    }

    static List<float[][]> select(Cut c, int label) {
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < c.n(); i++) if (c.label()[i] == label) out.add(c.windows()[i]);
        return out;
    }

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, cfg.maxEpochs() + 2);
        // Many short clusters rather than few long ones: 2 tiers x 3 modes x 3 types x 3 sizes = 54
        // configurations, and a test cluster whose configuration training never saw is an anomaly to an
        // autoencoder (measured: with 40 clusters one unseen normal test cluster sat above the threshold).
        List<ConsensusSeries> clusters = SyntheticConsensus.generate(cfg.scaled(160, 12), 500, cfg.seed());
        Splits.Split<ConsensusSeries> split = Splits.bySeries(clusters, 0.7, 0.15, cfg.seed() + 31);
        Cut trainCut = cut(split.train(), 3), valCut = cut(split.val(), 5), testCut = cut(split.test(), 5);
        Fitted f = fitAutoencoder(NAME, cfg, SHAPE, LOG, select(trainCut, 0), select(valCut, 0),
                cfg.scaled(16000, 1500), progress);

        Path dir = cfg.outputDir().resolve(NAME);
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, forward(SHAPE), f.fit().weights(), Map.of("x", new long[] {WINDOW, SHAPE.features()}));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("architecture", "enc LSTM(" + SHAPE.hidden() + ") -> attention(" + SHAPE.attention() + ") -> dense("
                + SHAPE.bottleneck() + ", tanh) -> repeat " + WINDOW + " -> dec LSTM(" + SHAPE.hidden() + ") -> dense(12) per step");
        params.put("parameters", f.fit().paramCount());
        params.put("loss", "0.7*MSE + 0.3*MAE (scaled space)");
        params.put("score", "mean over features of (per-feature reconstruction MSE / error_scale), robust-scaled space; error_scale = mean per-feature MSE on normal validation windows");
        params.put("severity", "WARNING >= threshold, CRITICAL >= 2x, EMERGENCY >= 5x");
        params.put("window_label", "anomalous if >= " + MIN_OVERLAP + " steps in an episode, normal if none, else partial (excluded)");
        ModelMetadata draft = meta(cfg, f.scaler(), 1.0, params, Map.of(), false, Map.of());
        draft.write(dir.resolve(ModelMetadata.FILE));
        progress.step(NAME, cfg.maxEpochs() + 1, "exported, choosing threshold on validation");

        double thr;
        Map<String, Object> m = new LinkedHashMap<>();
        double[] testErr;
        boolean[] testLab;
        LatencyDetector.Detection[] testDet;
        Map<String, Object> smoke;
        // Per-feature error normalisers from normal validation windows (validation data, never test).
        try (LatencyDetector det = new LatencyDetector(ModelArtifact.load(dir))) {
            List<float[][]> vn = subsample(select(valCut, 0), 2000, cfg.seed() + 2);
            double[] scale = new double[SHAPE.features()];
            for (LatencyDetector.Detection d : det.detect(vn.toArray(new float[0][][]))) {
                for (int j = 0; j < scale.length; j++) scale[j] += d.featureContributions()[j] / vn.size();
            }
            List<Double> sl = new ArrayList<>();
            for (double v : scale) sl.add(Math.max(v, 1e-6));
            params.put("error_scale", sl);
        }
        meta(cfg, f.scaler(), 1.0, params, Map.of(), false, Map.of()).write(dir.resolve(ModelMetadata.FILE));
        try (LatencyDetector det = new LatencyDetector(ModelArtifact.load(dir))) {
            Labelled val = labelled(det, valCut);
            thr = ThresholdSelector.maxDetectionAccuracy(val.errors(), val.labels());
            testDet = det.detect(testCut.windows());
            float[][][] sIn = {testCut.windows()[0], firstAnomalous(testCut)};
            smoke = new LinkedHashMap<>();
            smoke.put("inputs", sIn);
            smoke.put("errors", det.errors(sIn));
        }
        List<Double> e = new ArrayList<>();
        List<Boolean> l = new ArrayList<>();
        int partial = 0;
        Map<String, int[]> byKind = new LinkedHashMap<>();
        for (int i = 0; i < testCut.n(); i++) {
            int lab = testCut.label()[i];
            if (lab < 0) {
                partial++;
                continue;
            }
            e.add(testDet[i].error());
            l.add(lab == 1);
            if (lab == 1) {
                int[] c = byKind.computeIfAbsent(testCut.kind()[i], k -> new int[2]);
                c[1]++;
                if (testDet[i].error() >= thr) c[0]++;
            }
        }
        testErr = e.stream().mapToDouble(Double::doubleValue).toArray();
        testLab = new boolean[l.size()];
        for (int i = 0; i < testLab.length; i++) testLab[i] = l.get(i);
        Metrics.Confusion c = Metrics.confusion(testErr, testLab, thr);
        m.put("detection_accuracy", c.detectionAccuracy());
        m.put("precision", c.precision());
        m.put("recall", c.recall());
        m.put("f1", c.f1());
        m.put("fpr", c.fpr());
        m.put("roc_auc", Metrics.rocAuc(testErr, testLab));
        m.put("pr_auc", Metrics.averagePrecision(testErr, testLab));
        m.put("confusion_matrix", c.matrix());
        m.put("test_windows", testErr.length);
        m.put("test_anomalous_windows", c.tp() + c.fn());
        m.put("test_partial_windows_excluded", partial);
        Map<String, Object> rk = new LinkedHashMap<>();
        byKind.forEach((k, v) -> rk.put(k, (double) v[0] / v[1]));
        m.put("recall_by_kind", rk);
        long[] sev = new long[4];
        for (int i = 0; i < testCut.n(); i++) if (testCut.label()[i] == 1) sev[LatencyDetector.severity(testDet[i].error(), thr).ordinal()]++;
        m.put("anomalous_window_severity_counts", Map.of("NONE", sev[0], "WARNING", sev[1], "CRITICAL", sev[2], "EMERGENCY", sev[3]));
        boolean met = Target.all(m, targets(cfg.targetAccuracy()));
        meta(cfg, f.scaler(), thr, params, m, met, smoke).write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");

        TfTraining.plotLoss(dir.resolve("loss_curves.png"), "Latency autoencoder loss (0.7 MSE + 0.3 MAE)", f.fit().history());
        Plots.curve(dir.resolve("roc.png"), "Latency ROC (test clusters)", "false positive rate", "true positive rate",
                Metrics.rocCurve(testErr, testLab), true);
        Plots.curve(dir.resolve("pr.png"), "Latency precision-recall (test clusters)", "recall", "precision",
                Metrics.prCurve(testErr, testLab), false);
        Plots.confusion(dir.resolve("confusion.png"), "Latency confusion (test, threshold from validation)",
                new String[] {"normal", "anomalous"}, c.matrix());
        List<Double> nErr = new ArrayList<>(), aErr = new ArrayList<>();
        for (int i = 0; i < testErr.length; i++) (testLab[i] ? aErr : nErr).add(testErr[i]);
        Map<String, double[]> hist = new LinkedHashMap<>();
        hist.put("normal windows", nErr.stream().mapToDouble(Double::doubleValue).toArray());
        hist.put("anomalous windows", aErr.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, Double> lines = new LinkedHashMap<>();
        lines.put("threshold", thr);
        lines.put("2x (critical)", 2 * thr);
        lines.put("5x (emergency)", 5 * thr);
        Plots.histogram(dir.resolve("error_histogram.png"), "Reconstruction error (test) with threshold", "reconstruction MSE",
                hist, lines, 60, true);
        // Error timeline of the first test cluster.
        List<Double> tx = new ArrayList<>(), ty = new ArrayList<>(), tl = new ArrayList<>();
        for (int i = 0; i < testCut.n(); i++) {
            if (testCut.series()[i] != 0) continue;
            tx.add((double) testCut.end()[i]);
            ty.add(Math.log10(Math.max(1e-6, testDet[i].error())));
            tl.add(testCut.label()[i] == 1 ? Math.log10(thr) + 1 : Math.log10(thr) - 1);
        }
        Map<String, double[][]> tls = new LinkedHashMap<>();
        double[] txa = tx.stream().mapToDouble(Double::doubleValue).toArray();
        tls.put("log10 reconstruction error", new double[][] {txa, ty.stream().mapToDouble(Double::doubleValue).toArray()});
        tls.put("label (high = anomalous window)", new double[][] {txa, tl.stream().mapToDouble(Double::doubleValue).toArray()});
        Plots.linesWithLevels(dir.resolve("error_timeline.png"), "Reconstruction error timeline, test " + split.test().get(0).id(),
                "step (10 s) at window end", "log10 error", tls, Map.of("log10 threshold", Math.log10(thr)), false);

        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(NAME, "Consensus latency: LSTM autoencoder with temporal attention");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(targets(cfg.targetAccuracy()))).put("threshold", thr)
                .put("params", params).put("seed", cfg.seed()).put("training_seconds", secs)
                .put("history", TfTraining.historyJson(f.fit().history()));
        r.para(params.get("architecture") + " (" + f.fit().paramCount() + " parameters), trained on normal windows of "
                + split.train().size() + " synthetic clusters; threshold chosen on " + split.val().size()
                + " validation clusters (max detection accuracy); figures on " + split.test().size()
                + " test clusters. Windows with 1-" + (MIN_OVERLAP - 1) + " anomalous steps are excluded from the "
                + "metrics (" + partial + " test windows).");
        r.para("**Target met: " + (met ? "yes" : "NO") + "** (threshold " + Report.fmt(thr) + ")");
        r.targets(m, targets(cfg.targetAccuracy()));
        r.para("Precision " + Report.fmt(m.get("precision")) + ", recall " + Report.fmt(m.get("recall")) + ", FPR "
                + Report.fmt(m.get("fpr")) + ". Recall by anomaly type: " + rk + ". Severity of anomalous test windows: "
                + m.get("anomalous_window_severity_counts") + ".");
        r.image("Loss curves", "loss_curves.png").image("ROC", "roc.png").image("Precision-recall", "pr.png")
                .image("Confusion", "confusion.png").image("Error histogram", "error_histogram.png")
                .image("Error timeline", "error_timeline.png");
        r.write(dir);
        progress.finish(NAME);
        return new TrainResult(NAME, dir, met, m, Target.spec(targets(cfg.targetAccuracy())), secs, String.format(
                "detection_accuracy=%.4f roc_auc=%.4f precision=%.4f recall=%.4f", c.detectionAccuracy(),
                (double) m.get("roc_auc"), c.precision(), c.recall()));
    }

    record Labelled(double[] errors, boolean[] labels) {}

    static Labelled labelled(LatencyDetector det, Cut cut) {
        double[] err = det.errors(cut.windows());
        List<Double> e = new ArrayList<>();
        List<Boolean> l = new ArrayList<>();
        for (int i = 0; i < cut.n(); i++) {
            if (cut.label()[i] < 0) continue;
            e.add(err[i]);
            l.add(cut.label()[i] == 1);
        }
        boolean[] lab = new boolean[l.size()];
        for (int i = 0; i < lab.length; i++) lab[i] = l.get(i);
        return new Labelled(e.stream().mapToDouble(Double::doubleValue).toArray(), lab);
    }

    static float[][] firstAnomalous(Cut c) {
        for (int i = 0; i < c.n(); i++) if (c.label()[i] == 1) return c.windows()[i];
        return c.windows()[c.n() - 1];
    }

    static ModelMetadata meta(TrainConfig cfg, Scaler sc, double thr, Map<String, Object> params, Map<String, Object> m,
                              boolean met, Map<String, Object> smoke) {
        Map<String, Double> th = new HashMap<>();
        th.put("anomaly", thr);
        th.put("critical", 2 * thr);
        th.put("emergency", 5 * thr);
        return new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.LATENCY.features(),
                List.of("reconstruction"), WINDOW, sc, null, th, m, Target.spec(targets(cfg.targetAccuracy())), met, "saved_model", params, smoke);
    }
}

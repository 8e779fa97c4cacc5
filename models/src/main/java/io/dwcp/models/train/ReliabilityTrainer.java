package io.dwcp.models.train;

import io.dwcp.jni.FlatForest;
import io.dwcp.jni.ReferenceForestScorer;
import io.dwcp.models.data.NodeSeries;
import io.dwcp.models.data.SyntheticReliability;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.eval.ThresholdSelector;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.forest.IsolationForestTrainer;
import io.dwcp.models.report.Plots;
import io.dwcp.models.report.Report;
import io.dwcp.models.report.Report.Target;
import io.dwcp.models.serving.ModelMetadata;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node reliability: Isolation Forest on the 9 {@link Schemas#RELIABILITY} features, trained unsupervised
 * on the training nodes' rows (incidents included, unlabelled, as an operator's history would be),
 * threshold chosen on the validation nodes, judged on the test nodes. Stateless.
 */
public final class ReliabilityTrainer implements ModelTrainer {
    public static final String NAME = "reliability";
    /** log1p on the heavy-tailed features: failure_rate, packet_loss, retransmits, burn, rtt, error_rate. */
    public static final boolean[] LOG = {false, true, true, true, true, true, false, false, true};
    public static final List<Target> TARGETS = targets(0.98);

    /** Targets with {@code acc} as the recall bound (the CLI's --target-accuracy). */
    public static List<Target> targets(double acc) {
        return List.of(new Target("recall", ">=", acc), new Target("fpr", "<=", 0.05), new Target("pr_auc", ">=", 0.90));
    }

    public static final int TREES = 200;
    public static final int SAMPLE_SIZE = 256;

    @Override
    public String name() {
        return NAME;
    }

    /** Data split by node. */
    public static Splits.Split<NodeSeries> data(TrainConfig cfg) throws java.io.IOException {
        List<NodeSeries> nodes = cfg.dataPath() != null ? io.dwcp.models.data.DwcpCsv.nodes(cfg.dataPath()).series()
                : SyntheticReliability.generate(cfg.scaled(150, 20), 400, cfg.seed());
        return Splits.bySeries(nodes, 0.7, 0.15, cfg.seed() + 1);
    }

    /** What training produces before the test split is looked at. */
    public record Fitted(Scaler scaler, FlatForest forest, double threshold) {}

    /** Fits scaler + forest on train and picks the threshold on val: the test split is not a parameter. */
    public static Fitted fit(List<NodeSeries> train, List<NodeSeries> val, long seed) {
        double[][] trainRows = rows(train);
        Scaler scaler = Scaler.fit(Scaler.Kind.ROBUST, trainRows, LOG);
        FlatForest forest = new IsolationForestTrainer(TREES, SAMPLE_SIZE, seed).fit(transform(scaler, trainRows));
        double[] valScores = referenceScores(forest, transform(scaler, rows(val)));
        // Recall first with a margin over the 0.98 target, FPR capped below the 0.05 target.
        double thr = ThresholdSelector.recallFirst(valScores, labels(val), 0.995, 0.04);
        return new Fitted(scaler, forest, thr);
    }

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, 3);
        Splits.Split<NodeSeries> split = data(cfg);
        Fitted f = fit(split.train(), split.val(), cfg.seed());
        progress.step(NAME, 1, "forest fitted");
        double[] testScores = referenceScores(f.forest(), transform(f.scaler(), rows(split.test())));
        boolean[] testLabels = labels(split.test());
        Metrics.Confusion c = Metrics.confusion(testScores, testLabels, f.threshold());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recall", c.recall());
        m.put("fpr", c.fpr());
        m.put("precision", c.precision());
        m.put("f1", c.f1());
        m.put("pr_auc", Metrics.averagePrecision(testScores, testLabels));
        m.put("roc_auc", Metrics.rocAuc(testScores, testLabels));
        m.put("confusion_matrix", c.matrix());
        m.put("test_rows", testScores.length);
        m.put("test_incident_rows", c.tp() + c.fn());
        m.put("test_nodes", split.test().size());
        // Recall per incident kind, so a weak kind is visible.
        Map<String, Object> perKind = new LinkedHashMap<>();
        for (String k : SyntheticReliability.KINDS) {
            long hit = 0, tot = 0;
            int i = 0;
            for (NodeSeries n : split.test()) {
                for (int s = 0; s < n.length(); s++, i++) {
                    if (k.equals(n.kind()[s])) {
                        tot++;
                        if (testScores[i] >= f.threshold()) hit++;
                    }
                }
            }
            perKind.put(k, tot == 0 ? Double.NaN : (double) hit / tot);
        }
        m.put("recall_by_kind", perKind);
        boolean met = Target.all(m, targets(cfg.targetAccuracy()));
        progress.step(NAME, 2, "evaluated");

        Path dir = cfg.outputDir().resolve(NAME);
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve("forest.bin"))) {
            f.forest().write(out);
        }
        // Smoke-test samples: a few raw test rows with their scores.
        List<double[]> sampleIn = new ArrayList<>();
        List<Double> sampleOut = new ArrayList<>();
        double[][] testRaw = rows(split.test());
        for (int i = 0; i < testRaw.length && sampleIn.size() < 4; i++) {
            if (testLabels[i] == (sampleIn.size() % 2 == 1)) {
                sampleIn.add(testRaw[i]);
                sampleOut.add(testScores[i]);
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("trees", TREES);
        params.put("sample_size", SAMPLE_SIZE);
        params.put("score", "2^(-mean path / c(sample_size)), 0..1, anomaly when >= threshold");
        params.put("train_rows", rows(split.train()).length);
        params.put("data", (cfg.dataPath() != null ? "operator CSV " + cfg.dataPath().getFileName() : "synthetic (SyntheticReliability)") + ", split by node 70/15/15");
        ModelMetadata md = new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(),
                Schemas.RELIABILITY.features(), List.of("anomaly_score"), 1, f.scaler(), null,
                Map.of("anomaly", f.threshold()), m, Target.spec(targets(cfg.targetAccuracy())), met, "forest.bin", params,
                Map.of("inputs", sampleIn, "scores", sampleOut));
        md.write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.serving.ModelArtifact.writeManifest(dir, "forest.bin");

        // Plots and report.
        Plots.curve(dir.resolve("roc.png"), "Reliability ROC (test nodes)", "false positive rate", "true positive rate",
                Metrics.rocCurve(testScores, testLabels), true);
        Plots.curve(dir.resolve("pr.png"), "Reliability precision-recall (test nodes)", "recall", "precision",
                Metrics.prCurve(testScores, testLabels), false);
        Plots.confusion(dir.resolve("confusion.png"), "Reliability confusion (test, threshold from validation)",
                new String[] {"normal", "incident"}, c.matrix());
        List<Double> normal = new ArrayList<>(), anom = new ArrayList<>();
        for (int i = 0; i < testScores.length; i++) (testLabels[i] ? anom : normal).add(testScores[i]);
        Map<String, double[]> hist = new LinkedHashMap<>();
        hist.put("normal rows", normal.stream().mapToDouble(Double::doubleValue).toArray());
        hist.put("incident rows", anom.stream().mapToDouble(Double::doubleValue).toArray());
        Plots.histogram(dir.resolve("score_histogram.png"), "Reliability anomaly score (test) with threshold",
                "anomaly score", hist, Map.of("threshold", f.threshold()), 60, false);
        NodeSeries show = split.test().stream().filter(n -> {
            for (boolean b : n.incident()) if (b) return true;
            return false;
        }).findFirst().orElse(split.test().get(0));
        double[] xs = new double[show.length()], ys = new double[show.length()], lab = new double[show.length()];
        double[] sc = referenceScores(f.forest(), transform(f.scaler(), show.rows()));
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
            ys[i] = sc[i];
            lab[i] = show.incident()[i] ? 1 : 0;
        }
        Map<String, double[][]> tl = new LinkedHashMap<>();
        tl.put("anomaly score", new double[][] {xs, ys});
        tl.put("incident label", new double[][] {xs, lab});
        Plots.linesWithLevels(dir.resolve("score_timeline.png"), "Reliability score timeline, test " + show.id(),
                "step (5 min)", "score", tl, Map.of("threshold", f.threshold()), false);

        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(NAME, "Node reliability: Isolation Forest");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(targets(cfg.targetAccuracy()))).put("threshold", f.threshold())
                .put("params", params).put("seed", cfg.seed()).put("training_seconds", secs);
        r.para("Isolation Forest (" + TREES + " trees, subsample " + SAMPLE_SIZE + ") on the 9 reliability features, "
                + "robust-scaled with log1p on heavy-tailed ones. Trained unsupervised on the training nodes; threshold "
                + "chosen on validation nodes (recall >= 0.995 with FPR <= 0.04, else lowest FPR-feasible); the numbers "
                + "below are on test nodes never used for fitting or threshold selection. Data: synthetic "
                + "(see SyntheticReliability javadoc for distributions).");
        r.para("**Target met: " + (met ? "yes" : "NO") + "** (threshold " + Report.fmt(f.threshold()) + ")");
        r.targets(m, targets(cfg.targetAccuracy()));
        r.para("Recall by incident kind: " + perKind + ", ROC-AUC " + Report.fmt(m.get("roc_auc")));
        r.image("ROC", "roc.png").image("Precision-recall", "pr.png").image("Confusion", "confusion.png")
                .image("Score histogram", "score_histogram.png").image("Score timeline", "score_timeline.png");
        r.write(dir);
        progress.finish(NAME);
        return new TrainResult(NAME, dir, met, m, Target.spec(targets(cfg.targetAccuracy())), secs,
                String.format("recall=%.4f fpr=%.4f pr_auc=%.4f", c.recall(), c.fpr(), (double) m.get("pr_auc")));
    }

    static double[][] rows(List<NodeSeries> nodes) {
        List<double[]> out = new ArrayList<>();
        for (NodeSeries n : nodes) out.addAll(List.of(n.rows()));
        return out.toArray(new double[0][]);
    }

    static boolean[] labels(List<NodeSeries> nodes) {
        int total = nodes.stream().mapToInt(NodeSeries::length).sum();
        boolean[] out = new boolean[total];
        int i = 0;
        for (NodeSeries n : nodes) for (boolean b : n.incident()) out[i++] = b;
        return out;
    }

    /**
     * Training and evaluation score with jni's reference walk, the one the native kernels are tested
     * against bit for bit, so the validation threshold and test metrics hold for whichever kernel serves.
     */
    static double[] referenceScores(FlatForest forest, double[][] rows) {
        try (ReferenceForestScorer s = new ReferenceForestScorer(forest)) {
            return s.score(rows);
        }
    }

    static double[][] transform(Scaler s, double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) out[i] = s.transform(rows[i]);
        return out;
    }
}

package io.dwcp.models.train;

import io.dwcp.models.compression.CodecBench;
import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.CompressionConditions;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.nets.PolicyNet;
import io.dwcp.models.report.Plots;
import io.dwcp.models.report.Report;
import io.dwcp.models.report.Report.Target;
import io.dwcp.models.serving.CompressionSelector;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compression selector: a dense policy network imitating a <em>measured</em> oracle. The oracle labels
 * each transfer context with the codec that minimises compress + bytes/bandwidth + decompress time, using
 * ratios and speeds of the real codecs measured on representative payloads ({@link CodecBench}); by
 * default the profile committed with the model (so training is reproducible), or a fresh measurement
 * with {@code measureCodecs}. Train/val/test are independent draws of contexts. Stateless apart from the
 * flag.
 */
public final class CompressionTrainer implements ModelTrainer {
    public static final String NAME = "compression";
    public static final int HIDDEN = 64;
    /** log1p on bandwidth, rtt and payload size. */
    public static final boolean[] LOG = {true, true, false, true, false, false};
    public static final List<Target> TARGETS = targets(0.98);

    /** Targets with {@code acc} as the oracle-agreement bound (the CLI's --target-accuracy). */
    public static List<Target> targets(double acc) {
        return List.of(new Target("oracle_agreement", ">=", acc), new Target("mean_gain_vs_none", ">=", 0.0));
    }

    private final boolean measureCodecs;

    public CompressionTrainer(boolean measureCodecs) {
        this.measureCodecs = measureCodecs;
    }

    public CompressionTrainer() {
        this(false);
    }

    @Override
    public String name() {
        return NAME;
    }

    static int[] labels(CodecProfile p, double[][] x) {
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) y[i] = p.best(x[i][0], x[i][1], x[i][3], x[i][4], x[i][5]).ordinal();
        return y;
    }

    static float[] flat(Scaler sc, double[][] x) {
        float[] out = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) {
            double[] s = sc.transform(x[i]);
            for (int j = 0; j < s.length; j++) out[i * s.length + j] = (float) s[j];
        }
        return out;
    }

    static float[] oneHot(int[] y) {
        float[] out = new float[y.length * PolicyNet.CLASSES];
        for (int i = 0; i < y.length; i++) out[i * PolicyNet.CLASSES + y[i]] = 1f;
        return out;
    }

    static SavedModels.Forward forward() {
        return (tf, p, in) -> PolicyNet.forward(tf, p, in, HIDDEN);
    }

    @Override
    public TrainResult train(TrainConfig cfg, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        progress.start(NAME, cfg.maxEpochs() + 2);
        CodecProfile profile = measureCodecs ? CodecBench.measure(1 << 20, 7, cfg.seed()) : CodecProfile.bundled();
        double minE = profile.points().get(0).entropy(), maxE = profile.points().get(profile.points().size() - 1).entropy();
        int nTrain = cfg.scaled(80000, 3000), nVal = cfg.scaled(15000, 1000), nTest = cfg.scaled(15000, 1000);
        double[][] xtr = CompressionConditions.generate(nTrain, minE, maxE, cfg.seed() + 21);
        double[][] xva = CompressionConditions.generate(nVal, minE, maxE, cfg.seed() + 22);
        double[][] xte = CompressionConditions.generate(nTest, minE, maxE, cfg.seed() + 23);
        int[] ytr = labels(profile, xtr), yva = labels(profile, xva), yte = labels(profile, xte);
        Scaler sc = Scaler.fit(Scaler.Kind.STANDARD, xtr, LOG);
        TfTraining.Data data = new TfTraining.Data(Map.of("x", flat(sc, xtr), "onehot", oneHot(ytr)),
                Map.of("x", flat(sc, xva), "onehot", oneHot(yva)));
        // Cross-entropy from softmax + one-hot: SparseSoftmaxCrossEntropyWithLogits has no C++ gradient.
        TfTraining.Loss loss = (tf, out, aux) -> {
            Operand<TFloat32> logp = tf.math.log(tf.math.add(out.get("probs"), tf.constant(1e-8f)));
            Operand<TInt32> axes = tf.constant(new int[] {0, 1});
            return tf.math.mul(tf.constant((float) -PolicyNet.CLASSES), tf.math.mean(tf.math.mul(aux.get("onehot"), logp), axes));
        };
        TrainLoop.Settings settings = new TrainLoop.Settings(cfg.maxEpochs(), 128, 3e-3f, 6, 3, 0.5f, 1e-5f, 1e-5,
                cfg.seed());
        TfTraining.Fit fit = TfTraining.fit(NAME, cfg, forward(), Map.of("x", new long[] {PolicyNet.FEATURES}),
                Map.of("onehot", new long[] {PolicyNet.CLASSES}), loss, data, settings, progress);

        Path dir = cfg.outputDir().resolve(NAME);
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, forward(), fit.weights(), Map.of("x", new long[] {PolicyNet.FEATURES}));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("architecture", "dense(" + HIDDEN + ", relu) -> dense(" + HIDDEN + ", relu) -> dense(5) softmax");
        params.put("parameters", fit.paramCount());
        Map<String, Object> levels = new LinkedHashMap<>();
        for (Codec c : Codec.values()) levels.put(c.name(), io.dwcp.models.compression.Codecs.level(c));
        params.put("codec_levels", levels);
        params.put("codec_profile", profile);
        params.put("oracle", "argmin over codecs of compress/(speed*(1-cpu)) + bytes*ratio/bandwidth + decompress + rtt");
        params.put("profile_source", measureCodecs ? "measured during this run" : "bundled " + CodecProfile.RESOURCE);
        new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.COMPRESSION.features(),
                List.of("codec"), 1, sc, null, Map.of(), Map.of(), Target.spec(targets(cfg.targetAccuracy())), false, "saved_model", params,
                Map.of()).write(dir.resolve(ModelMetadata.FILE));
        progress.step(NAME, cfg.maxEpochs() + 1, "exported, evaluating");

        Map<String, Object> m = new LinkedHashMap<>();
        int[] pred;
        Map<String, Object> smoke;
        try (CompressionSelector sel = new CompressionSelector(ModelArtifact.load(dir))) {
            float[][] ctx = new float[xte.length][];
            for (int i = 0; i < xte.length; i++) {
                ctx[i] = new float[xte[i].length];
                for (int j = 0; j < xte[i].length; j++) ctx[i][j] = (float) xte[i][j];
            }
            pred = sel.selectOrdinals(ctx);
            float[][] sIn = java.util.Arrays.copyOf(ctx, 5);
            smoke = Map.of("inputs", sIn, "codecs", sel.selectOrdinals(sIn));
        }
        m.put("oracle_agreement", Metrics.agreement(yte, pred));
        double gNone = 0, gZstd = 0, gOracleNone = 0, regret = 0;
        for (int i = 0; i < xte.length; i++) {
            double[] r = xte[i];
            double tNone = profile.transferSeconds(Codec.NONE, r[0], r[1], r[3], r[4], r[5]);
            double tZstd = profile.transferSeconds(Codec.ZSTD, r[0], r[1], r[3], r[4], r[5]);
            double tModel = profile.transferSeconds(Codec.values()[pred[i]], r[0], r[1], r[3], r[4], r[5]);
            double tOracle = profile.transferSeconds(Codec.values()[yte[i]], r[0], r[1], r[3], r[4], r[5]);
            gNone += (tNone - tModel) / tNone;
            gZstd += (tZstd - tModel) / tZstd;
            gOracleNone += (tNone - tOracle) / tNone;
            regret += (tModel - tOracle) / tOracle;
        }
        m.put("mean_gain_vs_none", gNone / xte.length);
        m.put("mean_gain_vs_zstd", gZstd / xte.length);
        m.put("oracle_mean_gain_vs_none", gOracleNone / xte.length);
        m.put("mean_regret_vs_oracle", regret / xte.length);
        long[] dist = new long[PolicyNet.CLASSES];
        for (int y : yte) dist[y]++;
        Map<String, Object> distM = new LinkedHashMap<>();
        for (Codec c : Codec.values()) distM.put(c.name(), dist[c.ordinal()]);
        m.put("test_oracle_label_counts", distM);
        m.put("confusion_matrix", Metrics.confusionMatrix(yte, pred, PolicyNet.CLASSES));
        m.put("test_conditions", xte.length);
        boolean met = Target.all(m, targets(cfg.targetAccuracy()));
        new ModelMetadata(NAME, "1.0.0", Instant.now().toString(), cfg.seed(), Schemas.COMPRESSION.features(),
                List.of("codec"), 1, sc, null, Map.of(), m, Target.spec(targets(cfg.targetAccuracy())), met, "saved_model", params, smoke)
                .write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");

        TfTraining.plotLoss(dir.resolve("loss_curves.png"), "Compression selector loss", fit.history());
        String[] names = java.util.Arrays.stream(Codec.values()).map(Enum::name).toArray(String[]::new);
        Plots.confusion(dir.resolve("confusion.png"), "Compression: oracle (rows) vs policy net (columns), test", names,
                Metrics.confusionMatrix(yte, pred, PolicyNet.CLASSES));
        plotProfile(dir.resolve("codec_profile.png"), profile);
        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(NAME, "Compression selector (policy network vs measured oracle)");
        r.put("target_met", met).put("metrics", m).put("targets", Target.spec(targets(cfg.targetAccuracy()))).put("seed", cfg.seed())
                .put("training_seconds", secs).put("history", TfTraining.historyJson(fit.history()))
                .put("codec_profile", profile);
        r.para("Oracle: for each context, the codec minimising compress + bytes/bandwidth + decompress time, from the real "
                + "codecs (lz4-java, zstd-jni level 3 and 19, brotli4j quality 6) measured on 1 MiB payloads of 9 "
                + "compressibilities (" + profile.measuredOn() + "). Network: " + params.get("architecture") + ", "
                + fit.paramCount() + " parameters. " + nTrain + " training, " + nVal + " validation, " + nTest
                + " test contexts (independent draws).");
        r.para("**Target met: " + (met ? "yes" : "NO") + "**");
        r.targets(m, targets(cfg.targetAccuracy()));
        r.para("Mean transfer-time gain of the network's choices: vs always-none " + Report.fmt(m.get("mean_gain_vs_none"))
                + ", vs always-zstd " + Report.fmt(m.get("mean_gain_vs_zstd")) + " (oracle vs none: "
                + Report.fmt(m.get("oracle_mean_gain_vs_none")) + "; mean regret vs oracle "
                + Report.fmt(m.get("mean_regret_vs_oracle")) + "). Oracle label counts on test: " + distM + ".");
        List<List<Object>> rows = new ArrayList<>();
        for (CodecProfile.Point pt : profile.points()) {
            List<Object> row = new ArrayList<>();
            row.add(pt.entropy());
            for (Codec c : Codec.values()) {
                if (c == Codec.NONE) continue;
                row.add(String.format("%.3f / %.0f / %.0f", pt.ratio()[c.ordinal()], pt.compressMBps()[c.ordinal()],
                        pt.decompressMBps()[c.ordinal()]));
            }
            rows.add(row);
        }
        r.para("Measured codec profile (ratio / compress MB/s / decompress MB/s):");
        r.table(List.of("entropy bits/byte", "LZ4", "ZSTD", "ZSTD_MAX", "BROTLI"), rows);
        r.image("Loss curves", "loss_curves.png").image("Confusion", "confusion.png").image("Codec profile", "codec_profile.png");
        r.write(dir);
        progress.finish(NAME);
        return new TrainResult(NAME, dir, met, m, Target.spec(targets(cfg.targetAccuracy())), secs, String.format(
                "agreement=%.4f gain_vs_none=%.3f gain_vs_zstd=%.3f", (double) m.get("oracle_agreement"),
                (double) m.get("mean_gain_vs_none"), (double) m.get("mean_gain_vs_zstd")));
    }

    static void plotProfile(Path file, CodecProfile p) throws Exception {
        Map<String, double[][]> s = new LinkedHashMap<>();
        int n = p.points().size();
        for (Codec c : Codec.values()) {
            if (c == Codec.NONE) continue;
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = p.points().get(i).entropy();
                y[i] = p.points().get(i).ratio()[c.ordinal()];
            }
            s.put(c.name(), new double[][] {x, y});
        }
        Plots.lines(file, "Measured compression ratio by payload entropy", "entropy (bits/byte)", "compressed / original", s, false);
    }
}

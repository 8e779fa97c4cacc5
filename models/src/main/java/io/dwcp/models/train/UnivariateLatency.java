package io.dwcp.models.train;

import io.dwcp.models.data.NabSeries;
import io.dwcp.models.eval.ThresholdSelector;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.AutoencoderNet;
import io.dwcp.models.serving.LatencyDetector;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.tf.SavedModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Univariate mode of the latency autoencoder, for operators who only have one {@code timestamp,value}
 * series. NAB protocol: the first {@value #PROBATION} of the series is the probationary period, assumed
 * normal; the autoencoder (window 30, LSTM 16, attention 8, bottleneck 8) trains on its windows (the last
 * 20% of them for validation loss), and the threshold is {@value #MARGIN} × the 99.5th percentile of the
 * probationary reconstruction errors — no labels are used. A point raises an alarm when the window ending
 * at it reaches the threshold. Stateless.
 */
public final class UnivariateLatency {
    private UnivariateLatency() {}

    public static final double PROBATION = 0.15, MARGIN = 1.5;
    public static final AutoencoderNet.Shape SHAPE = new AutoencoderNet.Shape(30, 1, 16, 8, 8);
    /** The shortest probationary period: a few windows to fit and validate on even for a short series. */
    static final int MIN_PROBATION = SHAPE.window() + 10;
    /** The shortest series {@link #train} and {@link #evaluate} accept: the probationary period and one point to score. */
    public static final int MIN_POINTS = MIN_PROBATION + 1;

    /** Per-series outcome. */
    public record Outcome(String series, int points, int windows, int caught, int falseAlarms, double falseAlarmsPer1000,
                          double precision, double recall, double threshold, double[] errors, boolean[] alarm) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", series);
            m.put("points", points);
            m.put("windows", windows);
            m.put("windows_caught", caught);
            m.put("false_alarms", falseAlarms);
            m.put("false_alarms_per_1000", falseAlarmsPer1000);
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("threshold", threshold);
            return m;
        }
    }

    /** Trains on the probationary period, exports to {@code dir}, and returns the artifact folder. */
    public static Path train(NabSeries s, Path dir, TrainConfig cfg) throws Exception {
        requireLength(s);
        int w = SHAPE.window();
        int prob = probation(s);
        List<float[][]> wins = new ArrayList<>();
        for (int t = 0; t + w <= prob; t++) wins.add(window(s, t));
        int cut = (int) (wins.size() * 0.8);
        LatencyTrainer.Fitted f = LatencyTrainer.fitAutoencoder("latency_univariate", cfg, SHAPE, new boolean[] {false},
                wins.subList(0, cut), wins.subList(cut, wins.size()), 100000, Progress.none());
        Files.createDirectories(dir);
        Path sm = dir.resolve("saved_model");
        ModelArtifactFiles.deleteTree(sm);
        SavedModels.export(sm, LatencyTrainer.forward(SHAPE), f.fit().weights(), Map.of("x", new long[] {w, 1}));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("mode", "univariate (NAB protocol: probationary " + PROBATION + ")");
        params.put("series", s.name());
        params.put("threshold_rule", MARGIN + " x 99.5th percentile of probationary reconstruction errors");
        meta(cfg, f, 1.0, params).write(dir.resolve(ModelMetadata.FILE));
        double thr;
        try (LatencyDetector det = new LatencyDetector(ModelArtifact.load(dir))) {
            thr = ThresholdSelector.quantile(det.errors(wins.toArray(new float[0][][])), 0.995, MARGIN);
        }
        meta(cfg, f, thr, params).write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");
        return dir;
    }

    static ModelMetadata meta(TrainConfig cfg, LatencyTrainer.Fitted f, double thr, Map<String, Object> params) {
        return new ModelMetadata(Schemas.LATENCY_UNIVARIATE.model(), "1.0.0", Instant.now().toString(), cfg.seed(),
                Schemas.LATENCY_UNIVARIATE.features(), List.of("reconstruction"), SHAPE.window(), f.scaler(), null,
                Map.of("anomaly", thr, "critical", 2 * thr, "emergency", 5 * thr), Map.of(), Map.of(), false,
                "saved_model", params, Map.of());
    }

    static float[][] window(NabSeries s, int start) {
        float[][] w = new float[SHAPE.window()][1];
        for (int k = 0; k < w.length; k++) w[k][0] = (float) s.value()[start + k];
        return w;
    }

    /** Points of the probationary period, unlabelled, that training uses and scoring skips: the same in both. */
    private static int probation(NabSeries s) {
        return Math.max(MIN_PROBATION, (int) (s.length() * PROBATION));
    }

    /** A shorter series has no window to validate on: an error naming it, not an index out of bounds mid-fit. */
    private static void requireLength(NabSeries s) {
        if (s.length() < MIN_POINTS) {
            throw new IllegalArgumentException(s.name() + ": " + s.length() + " points, fewer than " + MIN_POINTS);
        }
    }

    /** Scores every point after the probationary period and compares alarms with the labelled windows. */
    public static Outcome evaluate(NabSeries s, Path artifact) throws Exception {
        requireLength(s);
        int w = SHAPE.window();
        int prob = probation(s);
        double[] err = new double[s.length()];
        boolean[] alarm = new boolean[s.length()];
        double thr;
        try (LatencyDetector det = new LatencyDetector(ModelArtifact.load(artifact))) {
            thr = det.threshold();
            List<float[][]> wins = new ArrayList<>();
            for (int t = prob; t < s.length(); t++) wins.add(window(s, t - w + 1));
            double[] e = det.errors(wins.toArray(new float[0][][]));
            for (int i = 0; i < e.length; i++) {
                err[prob + i] = e[i];
                alarm[prob + i] = e[i] >= thr;
            }
        }
        boolean[] inWin = new boolean[s.length()];
        List<int[]> wi = s.windowIndices();
        for (int[] r : wi) for (int i = r[0]; i <= r[1]; i++) inWin[i] = true;
        int caught = 0, counted = 0;
        for (int[] r : wi) {
            if (r[1] < prob) continue;
            counted++;
            for (int i = Math.max(r[0], prob); i <= r[1]; i++) {
                if (alarm[i]) {
                    caught++;
                    break;
                }
            }
        }
        int fa = 0, alarmPts = 0, alarmIn = 0;
        for (int i = prob; i < s.length(); i++) {
            if (!alarm[i]) continue;
            alarmPts++;
            if (inWin[i]) alarmIn++;
            else if (i == prob || !alarm[i - 1] || inWin[i - 1]) fa++; // count alarm onsets outside windows
        }
        int scored = s.length() - prob;
        return new Outcome(s.name(), scored, counted, caught, fa, 1000.0 * fa / scored,
                alarmPts == 0 ? 0 : (double) alarmIn / alarmPts, counted == 0 ? Double.NaN : (double) caught / counted,
                thr, err, alarm);
    }
}

package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.eval.Metrics;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.history.HistoryReader;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.report.Report;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.serving.ModelVersions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrains the bandwidth forecaster from the agent's recorded history (issue 8). Each recorded link is cut
 * in time: the most recent {@code holdoutFraction} of its steps is the test slice, never trained on nor used
 * for early stopping; of the rest, the last 15 % is validation (early stopping, confidence calibration) and
 * the beginning is training. Optional synthetic links ({@link SyntheticLinks}) join training and validation
 * only, for regimes a short history has not seen. The candidate and the model now serving are scored on the
 * same test windows; the new version is written beside the current one and marked {@code candidate} only
 * when it beats the current model there (the agent's shadow mode then judges it on live traffic).
 *
 * <p>Only the forecaster is retrained: it is the model whose live accuracy the agent can measure (its
 * forecast is checked against the next actual sample). Stateless.
 */
public final class Retrainer {
    private Retrainer() {}

    /**
     * @param historyDir      the agent's history directory
     * @param modelsDir       the agent's models directory ({@code <modelsDir>/bandwidth/<version>/} is written)
     * @param holdoutFraction most recent share of each link held out for the test (0.05..0.5)
     * @param syntheticLinks  synthetic links mixed into training (0 = none)
     * @param minSteps        links with fewer recorded steps are ignored
     */
    public record Options(Path historyDir, Path modelsDir, double holdoutFraction, int syntheticLinks, int minSteps,
                          int epochs, long seed, int threads, boolean markAlways) {
        public Options {
            if (!(holdoutFraction >= 0.05 && holdoutFraction <= 0.5)) {
                throw new IllegalArgumentException("holdout fraction must be in 0.05..0.5, got " + holdoutFraction);
            }
            if (syntheticLinks < 0) throw new IllegalArgumentException("synthetic links must be >= 0, got " + syntheticLinks);
            if (minSteps < 4 * ForecasterNet.WINDOW) {
                throw new IllegalArgumentException("min steps must be >= " + 4 * ForecasterNet.WINDOW + ", got " + minSteps);
            }
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** What a run produced; MAPEs in percent on the held-out recent slice. */
    public record Result(Path version, boolean marked, double candidateMape, double currentMape, double lastValueMape,
                         int testWindows, int trainWindows, int links, HistoryReader.Stats history, double seconds) {}

    public static Result run(Options o, Progress progress) throws Exception {
        long t0 = System.nanoTime();
        // Only the link rows are held in memory (the other kinds are checked and skipped).
        HistoryReader.History h = HistoryReader.readDir(o.historyDir(), java.util.Set.of(BandwidthTrainer.NAME));
        List<LinkSeries> links = h.linkSeries(o.minSteps());
        if (links.isEmpty()) {
            throw new IllegalStateException("no link in " + o.historyDir() + " has " + o.minSteps() + " recorded steps ("
                    + h.stats().rows() + " rows read, " + h.stats().problems().size() + " problems)");
        }
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, k = ForecasterNet.TARGETS;
        List<LinkSeries> train = new ArrayList<>(), val = new ArrayList<>(), test = new ArrayList<>();
        for (LinkSeries s : links) {
            int n = s.length();
            int testStart = n - (int) Math.round(n * o.holdoutFraction());
            int valStart = (int) Math.round(testStart * 0.85);
            train.add(slice(s, 0, valStart));
            // Validation and test windows take the preceding steps as input only; their targets are unseen.
            val.add(slice(s, valStart - w, testStart));
            test.add(slice(s, testStart - w, n));
        }
        if (o.syntheticLinks() > 0) {
            int steps = Math.max(4 * w, train.stream().mapToInt(LinkSeries::length).max().orElse(0));
            List<LinkSeries> syn = SyntheticLinks.generate(o.syntheticLinks(), steps, o.seed());
            int nv = Math.max(1, (int) Math.round(syn.size() * 0.15));
            train.addAll(syn.subList(0, syn.size() - nv));
            val.addAll(syn.subList(syn.size() - nv, syn.size()));
        }
        TrainConfig cfg = new TrainConfig(o.seed(), o.epochs(), o.modelsDir(), o.historyDir(), null, 0.98, 1.0,
                o.threads(), false);
        progress.start(BandwidthTrainer.NAME, o.epochs() + 1);
        ModelVersions versions = new ModelVersions(o.modelsDir(), BandwidthTrainer.NAME);
        Path current = versions.ensureCurrent();
        String version = versions.newVersionName();
        Path dir = versions.root().resolve(version);
        // The shipped forecaster's features, loss and export (issue 14); recorded links are real links, so every
        // target counts (trace = false).
        BandwidthTrainer.Fitted fitted = BandwidthTrainer.fit(train, List.of(), val, List.of(), cfg, dir, progress);
        Scaler sc = fitted.scaler();
        TfTraining.Fit fit = fitted.fit();
        Map<String, Object> params = new LinkedHashMap<>(fitted.params());
        params.put("architecture", "as the shipped forecaster (BandwidthTrainer), retrained from history");
        metadata(version, o, sc, params, Map.of()).write(dir.resolve(ModelMetadata.FILE));

        // Both models on the same held-out windows, through the exported artifacts as the agent calls them.
        double[][] cand, cur;
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir), o.threads())) {
            cand = holdout(fc, test);
        }
        try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(current), o.threads())) {
            cur = holdout(fc, test);
        }
        double candMape = Metrics.mape(cand[0], cand[1]);
        double curMape = Metrics.mape(cur[0], cur[1]);
        double lastMape = Metrics.mape(cand[0], cand[2]);
        boolean better = candMape < curMape;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holdout_candidate_mape", candMape);
        m.put("holdout_current_mape", curMape);
        m.put("holdout_last_value_mape", lastMape);
        m.put("holdout_candidate_median_ape", Metrics.medianApe(cand[0], cand[1]));
        m.put("holdout_current_median_ape", Metrics.medianApe(cur[0], cur[1]));
        m.put("holdout_windows", cand[0].length);
        m.put("train_windows", fitted.trainWindows());
        m.put("validation_windows", fitted.valWindows());
        m.put("current_version", current.getFileName().toString());
        metadata(version, o, sc, params, m).write(dir.resolve(ModelMetadata.FILE));
        io.dwcp.models.weights.NetWeightsExport.export(dir); // weights.dwcpnet for TF-free serving (issue 16)
        ModelArtifact.writeManifest(dir, "saved_model");
        boolean mark = better || o.markAlways();
        if (mark) {
            versions.markCandidate(dir);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Report r = new Report(BandwidthTrainer.NAME, "Bandwidth forecaster retrained from history, version " + version);
        r.put("version", version).put("metrics", m).put("marked_candidate", mark).put("links", links.size())
                .put("synthetic_links", o.syntheticLinks()).put("holdout_fraction", o.holdoutFraction())
                .put("history", h.stats()).put("seed", o.seed()).put("training_seconds", secs)
                .put("history_loss", TfTraining.historyJson(fit.history()));
        r.para("Trained on " + links.size() + " recorded links (" + h.stats().rows() + " link rows from " + h.stats().files()
                + " files; " + h.stats().blocksSkipped() + " damaged blocks and " + h.stats().filesSkipped()
                + " damaged files skipped)" + (o.syntheticLinks() > 0 ? " plus " + o.syntheticLinks() + " synthetic links" : "")
                + ". Test: the most recent " + Math.round(100 * o.holdoutFraction()) + " % of every link, never trained on.");
        r.table(List.of("model", "holdout MAPE %", "holdout MdAPE %"), List.of(
                List.of("candidate " + version, candMape, m.get("holdout_candidate_median_ape")),
                List.of("current " + current.getFileName(), curMape, m.get("holdout_current_median_ape")),
                List.of("last value", lastMape, Metrics.medianApe(cand[0], cand[2]))));
        r.para(mark ? "Marked `candidate`: the agent's shadow mode decides on live traffic."
                : "**Not marked candidate**: it does not beat the current model on the held-out slice.");
        r.write(dir);
        progress.finish(BandwidthTrainer.NAME);
        return new Result(dir, mark, candMape, curMape, lastMape, cand[0].length, fitted.trainWindows(), links.size(), h.stats(), secs);
    }

    static ModelMetadata metadata(String version, Options o, Scaler sc, Map<String, Object> params,
                                  Map<String, Object> metrics) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.put("retrained_from", o.historyDir().toString());
        p.put("synthetic_links", o.syntheticLinks());
        // The version is the folder name, so the agent's reload sees a new model (it compares versions).
        return new ModelMetadata(BandwidthTrainer.NAME, version, Instant.now().toString(), o.seed(),
                Schemas.BANDWIDTH.features(), List.of("bandwidth_mbps", "latency_ms", "packet_loss", "jitter_ms", "confidence"),
                Schemas.BANDWIDTH.window(), sc, sc, Map.of(), metrics, Map.of("holdout_candidate_mape", "< holdout_current_mape"),
                metrics.isEmpty() || (double) metrics.get("holdout_candidate_mape") < (double) metrics.get("holdout_current_mape"),
                "saved_model", p, Map.of());
    }

    /** actual, forecast and last value of every window of the series. */
    static double[][] holdout(BandwidthForecaster fc, List<LinkSeries> series) {
        List<double[]> rows = new ArrayList<>();
        for (LinkSeries s : series) {
            float[][][] win = BandwidthTrainer.allWindows(s);
            for (int start = 0; start < win.length; start += 1024) {
                float[][][] b = Arrays.copyOfRange(win, start, Math.min(win.length, start + 1024));
                double[] dt = new double[b.length];
                Arrays.fill(dt, s.stepSeconds());
                float[][] p = fc.predictWithStep(b, dt);
                for (int i = 0; i < b.length; i++) {
                    int t = start + i + ForecasterNet.WINDOW;
                    rows.add(new double[] {s.rows()[t][0], p[i][0], s.rows()[t - 1][0]});
                }
            }
        }
        double[][] out = new double[3][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < 3; j++) out[j][i] = rows.get(i)[j];
        }
        return out;
    }

    static LinkSeries slice(LinkSeries s, int from, int to) {
        from = Math.max(0, from);
        return new LinkSeries(s.id(), s.linkType(), s.stepSeconds(), Arrays.copyOfRange(s.rows(), from, to),
                Arrays.copyOfRange(s.congested(), from, to));
    }
}

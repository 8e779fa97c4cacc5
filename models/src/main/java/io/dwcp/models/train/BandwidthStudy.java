package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.Traces;
import io.dwcp.models.report.Report;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generalisation study of the bandwidth forecaster (issue 14): trains one model per leave-out run and evaluates
 * it on what it never saw, next to the baselines, the arbitrated forecast, the interval and (optionally) the
 * previous model. Runs:
 * <ul>
 *   <li>{@code norway-to-fcc}: trained on Norway traces (+ synthetic), tested on every FCC trace;</li>
 *   <li>{@code fcc-to-norway}: the mirror;</li>
 *   <li>{@code native-only}: traces and links at their native step only, tested on the test traces at
 *       ×2..×20 (intervals never trained on) and ×1;</li>
 *   <li>{@code synthetic-only}: synthetic links only, tested on the test traces;</li>
 *   <li>{@code traces-only}: traces only, tested on the test traces and the synthetic test links;</li>
 *   <li>{@code shipped}: the given shipped artifact (not trained here) on the test traces and synthetic test
 *       links; ×3, ×5, ×20 are intervals it never trained on.</li>
 * </ul>
 * Splits are {@link BandwidthTrainer#data}'s (same seed, same traces folder), so test traces are the ones
 * {@code train} held out. Stateless.
 */
public final class BandwidthStudy {
    private BandwidthStudy() {}

    public static final List<String> RUNS = List.of("norway-to-fcc", "fcc-to-norway", "native-only", "synthetic-only",
            "traces-only", "shipped");

    /** {@code validation}: the run's validation series at their native step (what variants are selected on). */
    record Run(String name, String heldOut, List<LinkSeries> trainLinks, List<LinkSeries> trainTraces,
               List<LinkSeries> valLinks, List<LinkSeries> valTraces, Map<String, List<LinkSeries>> tests,
               Map<String, List<LinkSeries>> validation) {
        Run(String name, String heldOut, List<LinkSeries> trainLinks, List<LinkSeries> trainTraces,
            List<LinkSeries> valLinks, List<LinkSeries> valTraces, Map<String, List<LinkSeries>> tests) {
            this(name, heldOut, trainLinks, trainTraces, valLinks, valTraces, tests, Map.of());
        }
    }

    /** Seed of the random aggregation phases ({@code -Ddwcp.forecast.phases}); fixed so variants see the same draw. */
    static final long PHASE_SEED = 17;

    static List<LinkSeries> fam(List<LinkSeries> s, String family) {
        return s.stream().filter(x -> Traces.family(x.id()).equals(family)).toList();
    }

    @SafeVarargs
    static List<LinkSeries> cat(List<LinkSeries>... ls) {
        List<LinkSeries> o = new ArrayList<>();
        for (List<LinkSeries> l : ls) o.addAll(l);
        return o;
    }

    static Run run(String name, BandwidthTrainer.DataSplit ds) {
        var t = ds.traces();
        var l = ds.links();
        int[] tf = BandwidthTrainer.TRACE_FACTORS, sf = BandwidthTrainer.SYNTHETIC_FACTORS, one = {1};
        List<LinkSeries> allTraces = cat(t.train(), t.val(), t.test());
        Map<String, List<LinkSeries>> tests = new LinkedHashMap<>();
        return switch (name) {
            case "norway-to-fcc", "fcc-to-norway" -> {
                String in = name.startsWith("norway") ? "norway" : "fcc", out = in.equals("norway") ? "fcc" : "norway";
                tests.put(out, fam(allTraces, out));
                Map<String, List<LinkSeries>> val = new LinkedHashMap<>();
                val.put(in, fam(t.val(), in));
                val.put("synthetic", l.val());
                yield new Run(name, "every " + out + " trace (family never trained on)", BandwidthTrainer.resampled(l.train(), sf),
                        BandwidthTrainer.trainingTraces(cat(fam(t.train(), in), fam(t.test(), in)), PHASE_SEED),
                        BandwidthTrainer.resampled(l.val(), sf), BandwidthTrainer.resampled(fam(t.val(), in), tf), tests, val);
            }
            case "native-only" -> {
                tests.put("traces", t.test());
                // Validation rows at every factor are reported, but only the x1 ones may select (x2.. are held out).
                Map<String, List<LinkSeries>> val = new LinkedHashMap<>();
                val.put("traces", t.val());
                yield new Run(name, "test traces; x2..x20 are intervals never trained on", BandwidthTrainer.resampled(l.train(), one),
                        BandwidthTrainer.resampled(t.train(), one), BandwidthTrainer.resampled(l.val(), one),
                        BandwidthTrainer.resampled(t.val(), one), tests, val);
            }
            case "synthetic-only" -> {
                tests.put("traces", t.test());
                yield new Run(name, "test traces (no real trace trained on)", BandwidthTrainer.resampled(l.train(), sf), List.of(),
                        BandwidthTrainer.resampled(l.val(), sf), List.of(), tests);
            }
            case "traces-only" -> {
                tests.put("traces", t.test());
                tests.put("synthetic", l.test());
                yield new Run(name, "test traces and synthetic test links (no synthetic link trained on)", List.of(),
                        BandwidthTrainer.resampled(t.train(), tf), List.of(), BandwidthTrainer.resampled(t.val(), tf), tests);
            }
            case "shipped" -> {
                tests.put("traces", t.test());
                tests.put("synthetic", l.test());
                yield new Run(name, "test traces and synthetic test links; x3, x5, x20 never trained on", null, null, null, null, tests);
            }
            default -> throw new IllegalArgumentException("unknown run " + name + "; known: " + RUNS);
        };
    }

    /** Rows of one model on a run's test sets: per family × factor, per family, overall (last). */
    static List<BandwidthEval.Row> evaluate(BandwidthForecaster fc, Map<String, List<LinkSeries>> tests) {
        return evaluate(fc::predictWithStep, BandwidthEval.prior(fc), tests);
    }

    static List<BandwidthEval.Row> evaluate(BandwidthEval.Predictor fc, io.dwcp.models.serving.arbitration.ResidualPrior prior,
                                            Map<String, List<LinkSeries>> tests) {
        List<BandwidthEval.Row> rows = new ArrayList<>();
        List<BandwidthEval.Forecasts> overall = new ArrayList<>();
        for (var e : tests.entrySet()) {
            Map<String, List<LinkSeries>> byFam = new java.util.TreeMap<>();
            for (LinkSeries s : e.getValue()) byFam.computeIfAbsent(Traces.family(s.id()), k -> new ArrayList<>()).add(s);
            for (var f : byFam.entrySet()) {
                int[] factors = f.getKey().equals("synthetic") ? BandwidthTrainer.SYNTHETIC_FACTORS : BandwidthTrainer.EVAL_FACTORS;
                List<BandwidthEval.Forecasts> famAll = new ArrayList<>();
                for (int x : factors) {
                    List<BandwidthEval.Forecasts> fcs = BandwidthEval.forecastAll(fc, prior, BandwidthTrainer.resampled(f.getValue(), new int[] {x}));
                    BandwidthEval.Row r = BandwidthEval.pooled(f.getKey() + " x" + x, f.getKey(), fcs);
                    if (r == null) continue;
                    rows.add(r);
                    famAll.addAll(fcs);
                }
                BandwidthEval.Row r = BandwidthEval.pooled(f.getKey() + " all", f.getKey(), famAll);
                if (r != null) rows.add(r);
                if (!f.getKey().equals("synthetic")) overall.addAll(famAll);
            }
        }
        BandwidthEval.Row o = BandwidthEval.pooled("overall (traces)", "all", overall);
        if (o != null) rows.add(o);
        return rows;
    }

    /** Runs the study; writes {@code study.json} and {@code study.md} to {@code out} and returns the JSON map. */
    public static Map<String, Object> run(TrainConfig cfg, List<String> runs, Path shipped, Path old, Path out,
                                          Progress progress) throws Exception {
        return run(cfg, runs, shipped, old, null, out, progress);
    }

    /**
     * As above; {@code trained} non-null: evaluate the models a previous study wrote there
     * ({@code trained/<run>/bandwidth}) instead of training them again (e.g. after an arbitration change).
     */
    public static Map<String, Object> run(TrainConfig cfg, List<String> runs, Path shipped, Path old, Path trained,
                                          Path out, Progress progress) throws Exception {
        Files.createDirectories(out);
        BandwidthTrainer.DataSplit ds = BandwidthTrainer.data(cfg);
        List<Map<String, Object>> results = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("| run | test set | windows | model MdAPE % | last MdAPE % | hm5 MdAPE % | EWMA MdAPE % | gain vs last % "
                + "| model MAPE % | last MAPE % | best-baseline MAPE % | served MdAPE % | served MAPE % | p10-p90 coverage "
                + "| width ratio | old model MdAPE % | old model MAPE % | targets (gain, best, MAPE, cover, served) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String name : runs) {
            Run r = run(name, ds);
            long t0 = System.nanoTime();
            Path dir;
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("run", name);
            res.put("held_out", r.heldOut());
            if (r.trainLinks() != null && trained != null) {
                dir = trained.resolve(name).resolve(BandwidthTrainer.NAME);
                if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no trained model for run " + name + ": " + dir);
                res.put("trained_model", dir.toString());
            } else if (r.trainLinks() != null && LinearForecaster.KIND.equals("ridge")) {
                dir = null;
            } else if (r.trainLinks() != null) {
                dir = out.resolve(name).resolve(BandwidthTrainer.NAME);
                TrainConfig c = new TrainConfig(cfg.seed(), cfg.maxEpochs(), out.resolve(name), null, null,
                        cfg.targetAccuracy(), cfg.scale(), cfg.threads(), false);
                BandwidthTrainer.Fitted f = BandwidthTrainer.fit(r.trainLinks(), r.trainTraces(), r.valLinks(),
                        r.valTraces(), c, dir, progress);
                res.put("train_windows", f.trainWindows());
                res.put("validation_windows", f.valWindows());
                res.put("train_links", r.trainLinks().size());
                res.put("train_traces", r.trainTraces().size());
                res.put("epochs", f.fit().history().trainLoss().size());
            } else {
                if (shipped == null) throw new IllegalArgumentException("run 'shipped' needs --shipped DIR");
                dir = shipped;
            }
            List<BandwidthEval.Row> rows;
            List<BandwidthEval.Row> valRows = new ArrayList<>();
            if (!LinearForecaster.KIND.isEmpty() && r.trainLinks() != null) {
                // Experiment: a linear model instead of the LSTM (for shrink, on top of the LSTM in dir).
                try (BandwidthForecaster fc = LinearForecaster.KIND.equals("shrink") ? new BandwidthForecaster(ModelArtifact.load(dir)) : null) {
                    List<LinkSeries> train = cat(r.trainLinks(), r.trainTraces());
                    LinearForecaster lf = LinearForecaster.fit(LinearForecaster.KIND, train, r.valTraces(), r.valLinks(),
                            fc == null ? null : fc::predictWithStep);
                    var prior = lf.prior(cat(r.valLinks(), r.valTraces()));
                    res.put("linear", lf.describe());
                    rows = evaluate(lf, prior, r.tests());
                    if (!r.validation().isEmpty()) valRows = evaluate(lf, prior, r.validation());
                }
            } else {
                try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
                    rows = evaluate(fc, r.tests());
                    if (!r.validation().isEmpty()) valRows = evaluate(fc, r.validation());
                }
            }
            res.put("validation_rows", valRows.stream().map(BandwidthEval.Row::toMap).toList());
            for (BandwidthEval.Row v : valRows) {
                if (!v.series().endsWith(" all") && !v.series().startsWith("overall")
                        && !(name.equals("native-only") && v.series().endsWith(" x1"))) continue;
                md.append("| ").append(name).append(" | validation: ").append(v.series()).append(" | ").append(v.n());
                figures(md, v);
                md.append(" |  |  | (validation) |\n");
            }
            Map<String, BandwidthEval.Row> oldRows = new LinkedHashMap<>();
            if (old != null) {
                try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(old))) {
                    for (BandwidthEval.Row o : evaluate(fc, r.tests())) oldRows.put(o.series(), o);
                }
            }
            List<Map<String, Object>> rm = new ArrayList<>();
            for (BandwidthEval.Row row : rows) {
                Map<String, Object> m = row.toMap();
                BandwidthEval.Row o = oldRows.get(row.series());
                if (o != null) {
                    m.put("old_model_median_ape", o.modelMedianApe());
                    m.put("old_model_mape", o.modelMape());
                }
                boolean gain = row.modelMedianApe() <= 0.9 * row.lastMedianApe();
                boolean best = row.modelMedianApe() < row.bestBaselineMedianApe();
                boolean mape = row.modelMape() <= row.lastMape();
                boolean cover = Math.abs(row.intervalCoverage() - row.intervalNominal()) <= 0.03;
                boolean served = row.servedMedianApe() <= row.bestBaselineMedianApe() && row.servedMape() <= row.bestBaselineMape();
                m.put("median_ape_gain_vs_last_value_pct", 100 * (1 - row.modelMedianApe() / row.lastMedianApe()));
                m.put("meets_gain_10pct", gain);
                m.put("beats_best_baseline", best);
                m.put("mape_at_most_last_value", mape);
                m.put("coverage_within_3pts", cover);
                m.put("served_at_most_every_baseline", served);
                rm.add(m);
                md.append("| ").append(name).append(" | ").append(row.series()).append(" | ").append(row.n());
                figures(md, row);
                md.append(" | ").append(o == null ? "" : String.format("%.2f", o.modelMedianApe())).append(" | ")
                        .append(o == null ? "" : String.format("%.2f", o.modelMape()));
                md.append(" | ").append(yn(gain)).append(yn(best)).append(yn(mape)).append(yn(cover)).append(yn(served)).append(" |\n");
            }
            res.put("rows", rm);
            res.put("seconds", (System.nanoTime() - t0) / 1e9);
            results.add(res);
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("seed", cfg.seed());
            all.put("epochs", cfg.maxEpochs());
            all.put("runs", results);
            writeJson(out.resolve("study.json"), all);
            Files.writeString(out.resolve("study.md"), md.toString());
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("seed", cfg.seed());
        all.put("epochs", cfg.maxEpochs());
        all.put("runs", results);
        return all;
    }

    /**
     * Served-forecast figures of a grid of {@link io.dwcp.models.serving.arbitration.OnlineArbiter} settings on the
     * <b>validation</b> data only, for choosing {@link io.dwcp.models.serving.arbitration.OnlineArbiter#FORECAST}: each
     * run's model (from {@code trained/<run>/bandwidth}, or {@code shipped} for run {@code shipped}) on the validation
     * traces of the families it trained on (all evaluation factors) and, unless the run holds synthetic links out,
     * the synthetic validation links; rows per family × factor, per family and overall, as in the study table.
     * Prints one line per setting: rows where served ≤ every baseline on median and on mean APE, and the geometric
     * mean over rows of served / best-baseline median and mean APE.
     */
    public static void arbiterSweep(TrainConfig cfg, Path shipped, Path trained, List<String> runs) throws Exception {
        BandwidthTrainer.DataSplit ds = BandwidthTrainer.data(cfg);
        // Per run: every series' forecasts once (cells), and each row as the indexes of the cells it pools.
        List<List<BandwidthEval.Forecasts>> cellsPerRun = new ArrayList<>();
        List<List<List<Integer>>> rowsPerRun = new ArrayList<>();
        List<io.dwcp.models.serving.arbitration.ResidualPrior> priors = new ArrayList<>();
        for (String name : runs) {
            if (!name.equals("shipped") && trained == null) continue;
            Path dir = name.equals("shipped") ? shipped : trained.resolve(name).resolve(BandwidthTrainer.NAME);
            if (dir == null) throw new IllegalArgumentException("run 'shipped' needs --shipped DIR");
            List<LinkSeries> val = ds.traces().val();
            if (name.equals("norway-to-fcc")) val = fam(val, "norway");
            if (name.equals("fcc-to-norway")) val = fam(val, "fcc");
            Map<String, List<LinkSeries>> sets = new LinkedHashMap<>();
            sets.put("traces", val);
            if (!name.equals("traces-only")) sets.put("synthetic", ds.links().val());
            List<BandwidthEval.Forecasts> cells = new ArrayList<>();
            List<List<Integer>> rows = new ArrayList<>();
            try (BandwidthForecaster fc = new BandwidthForecaster(ModelArtifact.load(dir))) {
                priors.add(BandwidthEval.prior(fc));
                List<Integer> overall = new ArrayList<>();
                for (var e : sets.entrySet()) {
                    Map<String, List<LinkSeries>> byFam = new java.util.TreeMap<>();
                    for (LinkSeries x : e.getValue()) byFam.computeIfAbsent(Traces.family(x.id()), k -> new ArrayList<>()).add(x);
                    for (var f : byFam.entrySet()) {
                        boolean syn = f.getKey().equals("synthetic");
                        List<Integer> famAll = new ArrayList<>();
                        for (int x : syn ? BandwidthTrainer.SYNTHETIC_FACTORS : BandwidthTrainer.EVAL_FACTORS) {
                            List<Integer> row = new ArrayList<>();
                            for (BandwidthEval.Forecasts c : BandwidthEval.forecastAll(fc, BandwidthTrainer.resampled(f.getValue(), new int[] {x}))) {
                                row.add(cells.size());
                                cells.add(c);
                            }
                            if (row.isEmpty()) continue;
                            rows.add(row);
                            famAll.addAll(row);
                        }
                        rows.add(famAll);
                        if (!syn) overall.addAll(famAll);
                    }
                }
                if (!overall.isEmpty()) rows.add(overall);
            }
            cellsPerRun.add(cells);
            rowsPerRun.add(rows);
            System.out.printf("%s: %d validation rows%n", name, rows.size());
        }
        for (int w : new int[] {20, 30, 60}) {
            for (double mg : new double[] {0.05, 0.1, 0.15, 0.2}) {
                for (double dm : java.util.stream.DoubleStream.of(mg, 0.2, 0.3).filter(d -> d >= mg).distinct().toArray()) {
                    var as = new io.dwcp.models.serving.arbitration.OnlineArbiter.Settings(w, 10, mg, dm, 10_000);
                    int ok = 0, n = 0;
                    double lmd = 0, lmn = 0;
                    for (int r = 0; r < rowsPerRun.size(); r++) {
                        List<BandwidthEval.Forecasts> again = new ArrayList<>();
                        for (BandwidthEval.Forecasts f : cellsPerRun.get(r)) again.add(BandwidthEval.arbitrate(f, priors.get(r), as, null));
                        for (List<Integer> row : rowsPerRun.get(r)) {
                            BandwidthEval.Row x = BandwidthEval.pooled("val", "all", row.stream().map(again::get).toList());
                            if (x == null) continue;
                            n++;
                            if (x.servedMedianApe() <= x.bestBaselineMedianApe() && x.servedMape() <= x.bestBaselineMape()) ok++;
                            lmd += Math.log(x.servedMedianApe() / x.bestBaselineMedianApe());
                            lmn += Math.log(x.servedMape() / x.bestBaselineMape());
                        }
                    }
                    System.out.printf("window %2d evidence 10 margin %.2f leave-model margin %.2f  rows served <= every baseline "
                            + "(median and mean APE) %3d/%d  geo-mean served/best baseline: median APE %.4f, mean APE %.4f%n",
                            w, mg, dm, ok, n, Math.exp(lmd / n), Math.exp(lmn / n));
                }
            }
        }
    }

    static final String SECTION = "## Generalisation (leave-one-out study)";

    /** Puts the study into an artifact's report: {@code generalisation} in report.json, a section in report.md. */
    @SuppressWarnings("unchecked")
    public static void addToReport(Path dir, Map<String, Object> study, String table) throws java.io.IOException {
        Path json = dir.resolve("report.json");
        Map<String, Object> r = ModelMetadata.json().readValue(json.toFile(), Map.class);
        r.put("generalisation", study);
        writeJson(json, r);
        Path md = dir.resolve("report.md");
        String text = Files.readString(md);
        int at = text.indexOf(SECTION);
        if (at >= 0) text = text.substring(0, at);
        text = text.stripTrailing() + "\n\n" + SECTION + "\n\n"
                + "Produced by `study` (`BandwidthStudy`; seed " + study.get("seed") + ", at most " + study.get("epochs")
                + " epochs per run). Each run trains a model without the named family, interval or data source and "
                + "tests on it; `shipped` is this artifact on its test split. Rows: test traces pooled per family x "
                + "resampling factor (x1 = native step: FCC 5 s, Norway ~1 s), per family, and over all traces. "
                + "Targets per row (Y/n): model MdAPE >= 10 % below last value; model MdAPE below the best of last "
                + "value, harmonic mean of 5 and EWMA; model MAPE <= last value MAPE; p10-p90 coverage within 3 "
                + "points of 0.8; served MdAPE and MAPE both <= the best baseline's. Old model = the forecaster shipped before issue 14 (trained on half of these traces, "
                + "so on some test rows it is not held out).\n\n" + table;
        Files.writeString(md, text + "\n");
    }

    /** study.json, and report.json with the study added: indented, a NaN or infinite figure null ({@link io.dwcp.models.json.Json}). */
    static void writeJson(Path file, Object value) throws java.io.IOException {
        Files.writeString(file, ModelMetadata.json().writeValueAsString(value));
    }

    static String yn(boolean b) {
        return b ? "Y" : "n";
    }

    static String fmt(Object o) {
        return Report.fmt(o);
    }
    /** A row's figures in the study table's column order: APEs, gain, MAPEs, served, interval coverage and width. */
    private static void figures(StringBuilder md, BandwidthEval.Row r) {
        for (double x : new double[] {r.modelMedianApe(), r.lastMedianApe(), r.hm5MedianApe(), r.ewmaMedianApe(),
            100 * (1 - r.modelMedianApe() / r.lastMedianApe()), r.modelMape(), r.lastMape(), r.bestBaselineMape(),
            r.servedMedianApe(), r.servedMape()}) {
            md.append(" | ").append(String.format("%.2f", x));
        }
        md.append(" | ").append(String.format("%.3f", r.intervalCoverage())).append(" | ")
                .append(String.format("%.3f", r.intervalMeanWidthRatio()));
    }
}

package io.dwcp.models.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.NabSeries;
import io.dwcp.models.data.Traces;
import io.dwcp.models.json.Json;
import io.dwcp.models.nets.ForecasterNet;
import io.dwcp.models.report.Report;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.train.BandwidthEval;
import io.dwcp.models.train.TrainConfig;
import io.dwcp.models.train.UnivariateLatency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate}: runs a model on data it was not trained on and prints a comparison table; the last
 * line is machine-readable JSON ({@link #JSON}: an undefined or infinite figure is null). Three modes: {@code --traces} (forecaster vs last value, harmonic mean of 5 and
 * EWMA, the {@code OnlineArbiter}'s served forecast and the {@code IntervalCalibrator}'s interval; per trace and
 * pooled in {@code overall}), {@code --nab} (univariate latency autoencoder on NAB series) and {@code --degradation}
 * (degradation forecaster vs trend and distance to floor, {@link DegradationEvaluation}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate on held-out data; last output line is JSON, with null for a figure that is "
                + "undefined on the data (NaN) or infinite.")
public final class EvaluateCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** A window and the step after it: the least {@link BandwidthEval} forecasts on. */
    static final int MIN_TRACE_STEPS = ForecasterNet.WINDOW + 1;
    static final String TRACE_FILES = "files of <t_s>\\t<Mbps> lines";

    @Option(names = "--model-dir", description = "Bandwidth artifact folder (default: the embedded default).")
    Path modelDir;

    @Option(names = "--traces", description = "Folder of <t_s>\\t<Mbps> traces: forecaster comparison.")
    Path traces;

    int factor;

    /** Checked here, at parsing, so the error names the option rather than {@code Traces.resample}'s arguments. */
    @Option(names = "--resample", defaultValue = "1", paramLabel = "N",
            description = "Aggregate each trace to N (>= 1) times its step (mean throughput) before evaluating (default ${DEFAULT-VALUE}).")
    void resample(int n) {
        if (n < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--resample must be at least 1 (steps aggregated into one), got " + n);
        }
        factor = n;
    }

    @Option(names = "--degradation", description = "Folder of <t_s>\\t<Mbps> traces: degradation forecaster vs trend and "
            + "distance to floor (issue 19 protocol); --model-dir then names a degradation artifact.")
    Path degradation;

    @Option(names = "--nab", description = "Folder of NAB timestamp,value CSVs: univariate latency mode.")
    Path nab;

    @Option(names = "--windows", description = "NAB windows JSON (combined_windows.json) for --nab.")
    Path windows;

    @Option(names = "--epochs", defaultValue = "15", description = "Univariate autoencoder epochs per series (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--output", description = "Also write the result JSON here (indented; undefined figures null).")
    Path output;

    @Override
    public Integer call() throws Exception {
        if ((traces != null ? 1 : 0) + (nab != null ? 1 : 0) + (degradation != null ? 1 : 0) != 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give exactly one of --traces, --nab or --degradation");
        }
        Map<String, Object> result = traces != null ? traces()
                : degradation != null ? DegradationEvaluation.run(degradation, modelDir, factor) : nab();
        if (output != null) Files.writeString(output, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println(JSON.writeValueAsString(result));
        return 0;
    }

    /** The writer of evaluate's JSON (last line and {@code --output}): the module's policy, {@link Json}. */
    static final ObjectMapper JSON = Json.mapper();

    private Map<String, Object> traces() throws Exception {
        requireFolder("--traces", traces);
        List<LinkSeries> files = Traces.folder(traces);
        // BandwidthEval skips a trace without a whole window and a next step; with none left there is no table.
        List<LinkSeries> series = new ArrayList<>();
        for (LinkSeries s : files) {
            LinkSeries r = Traces.resample(s, factor, 0);
            if (r.length() >= MIN_TRACE_STEPS) series.add(r);
        }
        requireUsable("--traces", traces, series.size(), "trace of at least " + MIN_TRACE_STEPS + " steps (after --resample "
                + factor + ")", files.size(), TRACE_FILES);
        List<BandwidthEval.Row> rows;
        try (BandwidthForecaster f = modelDir == null ? BandwidthForecaster.loadDefault()
                : new BandwidthForecaster(ModelArtifact.load(modelDir))) {
            rows = BandwidthEval.compare(f, series);
        }
        // APE is undefined at a zero actual, so traces of zeros alone leave nothing to score.
        requireUsable("--traces", traces, rows.size(), "trace with a non-zero throughput after its first "
                + ForecasterNet.WINDOW + " steps", files.size(), TRACE_FILES);
        System.out.printf("%-56s %7s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %6s %6s%n", "trace", "windows", "model Md",
                "last Md", "hm5 Md", "ewma Md", "served Md", "model M", "last M", "hm5 M", "ewma M", "served M", "cover",
                "width");
        for (BandwidthEval.Row r : rows) {
            System.out.printf("%-56s %7d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %6.3f %6.3f%n",
                    trunc(r.series(), 56), r.n(), r.modelMedianApe(), r.lastMedianApe(), r.hm5MedianApe(), r.ewmaMedianApe(),
                    r.servedMedianApe(), r.modelMape(), r.lastMape(), r.hm5Mape(), r.ewmaMape(), r.servedMape(),
                    r.intervalCoverage(), r.intervalMeanWidthRatio());
        }
        BandwidthEval.Row all = rows.get(rows.size() - 1);
        List<BandwidthEval.Row> per = rows.subList(0, rows.size() - 1);
        long wins = per.stream().filter(r -> r.modelMedianApe() < r.bestBaselineMedianApe()).count();
        long servedWins = per.stream().filter(r -> r.servedMape() <= r.bestBaselineMape()).count();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("mode", "traces");
        res.put("traces", per.size());
        res.put("resample_factor", factor);
        res.put("overall", all.toMap());
        res.put("model_beats_all_baselines_overall", all.modelMedianApe() < all.bestBaselineMedianApe());
        res.put("traces_where_model_beats_all_baselines", wins);
        res.put("traces_where_served_mape_at_most_best_baseline", servedWins);
        res.put("per_trace", per.stream().map(BandwidthEval.Row::toMap).toList());
        return res;
    }

    private Map<String, Object> nab() throws Exception {
        if (windows == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--nab needs --windows");
        }
        requireFolder("--nab", nab);
        if (!Files.isRegularFile(windows)) throw new IllegalArgumentException("--windows " + windows + ": not a file");
        List<NabSeries> files = NabSeries.folder(nab, windows);
        List<NabSeries> series = new ArrayList<>();
        for (NabSeries s : files) {
            if (s.length() >= UnivariateLatency.MIN_POINTS) series.add(s);
            else System.out.printf("skipped %s: %d points, fewer than %d%n", s.name(), s.length(), UnivariateLatency.MIN_POINTS);
        }
        requireUsable("--nab", nab, series.size(), "series of at least " + UnivariateLatency.MIN_POINTS + " points",
                files.size(), ".csv files");
        TrainConfig cfg = new TrainConfig(seed, epochs, Files.createTempDirectory("dwcp-nab-"), null, null, 0.98, 1.0, 1, false);
        List<UnivariateLatency.Outcome> outs = new ArrayList<>();
        System.out.printf("%-40s %7s %8s %7s %8s %12s %9s %7s%n", "series", "points", "windows", "caught", "false al",
                "FA/1000 pts", "precision", "recall");
        int w = 0, c = 0, fa = 0, pts = 0;
        double precSum = 0;
        for (NabSeries s : series) {
            Path art = UnivariateLatency.train(s, cfg.outputDir().resolve(s.name().replace(".csv", "")), cfg);
            UnivariateLatency.Outcome o = UnivariateLatency.evaluate(s, art);
            outs.add(o);
            System.out.printf("%-40s %7d %8d %7d %8d %12.3f %9.3f %7.3f%n", trunc(s.name(), 40), o.points(), o.windows(),
                    o.caught(), o.falseAlarms(), o.falseAlarmsPer1000(), o.precision(), o.recall());
            w += o.windows();
            c += o.caught();
            fa += o.falseAlarms();
            pts += o.points();
            precSum += o.precision();
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("mode", "nab_univariate");
        res.put("series", series.size());
        res.put("windows", w);
        res.put("windows_caught", c);
        res.put("recall", w == 0 ? Double.NaN : (double) c / w);
        res.put("false_alarms", fa);
        res.put("false_alarms_per_1000", 1000.0 * fa / pts);
        res.put("mean_point_precision", precSum / series.size());
        res.put("per_series", outs.stream().map(UnivariateLatency.Outcome::toMap).toList());
        System.out.printf("%-40s %7d %8d %7d %8d %12.3f %9.3f %7.3f%n", "overall", pts, w, c, fa, 1000.0 * fa / pts,
                precSum / series.size(), w == 0 ? Double.NaN : (double) c / w);
        return res;
    }

    /** The input a mode names is a folder: otherwise an error naming the option (not a bare NoSuchFileException). */
    static void requireFolder(String option, Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + " " + dir + ": not a folder");
    }

    /**
     * At least one of the {@code files} in the folder is long enough for the mode: otherwise its tables would be
     * NaN (or it would fail on an empty list), which reads as a result rather than as a wrong folder.
     */
    static void requireUsable(String option, Path dir, int usable, String need, int files, String kind) {
        if (usable == 0) {
            throw new IllegalArgumentException(option + " " + dir + ": no " + need + " among its " + files + " " + kind);
        }
    }

    static String trunc(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    static String fmt(Object o) {
        return Report.fmt(o);
    }
}

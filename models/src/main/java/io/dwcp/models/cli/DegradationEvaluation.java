package io.dwcp.models.cli;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.Traces;
import io.dwcp.models.eval.DegradationComparison;
import io.dwcp.models.eval.DegradationProtocol;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.ModelArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate --degradation DIR}: the degradation forecaster (and, for an artifact with a stack, its network
 * alone), the trend baseline and the forecast-free distance-to-floor score under {@link DegradationProtocol} (issue 19), at throughput floors of 40 % and 25 % of
 * each series' median, on a folder of {@code t_s<TAB>Mbps} traces at their own step (or aggregated to
 * {@code --resample} times it). Prints one table per floor ({@link DegradationComparison}: early detection and
 * false warnings at each predictor's own warnings, ROC-AUC with its bootstrap interval over traces, early
 * detection at the model's false-warning rate and at 0.05, Brier score of the probabilities).
 */
final class DegradationEvaluation {
    private DegradationEvaluation() {}

    static final int BOOTSTRAP = 300;
    static final long SEED = 19;
    /** The shortest trace the protocol asks on: one window and the horizon after it. */
    static final int MIN_STEPS = DegradationProtocol.WINDOW + DegradationProtocol.HORIZON;

    static Map<String, Object> run(Path dir, Path modelDir, int factor) throws Exception {
        EvaluateCommand.requireFolder("--degradation", dir);
        List<LinkSeries> series = Traces.folder(dir);
        List<double[]> bw = new ArrayList<>();
        int usable = 0;
        for (LinkSeries s0 : series) {
            LinkSeries s = Traces.resample(s0, factor, 0);
            double[] v = new double[s.rows().length];
            for (int t = 0; t < v.length; t++) {
                v[t] = s.rows()[t][0];
            }
            bw.add(v);
            if (v.length >= MIN_STEPS) usable++;
        }
        // The protocol skips shorter traces; with none left every figure would be NaN, not an answer.
        EvaluateCommand.requireUsable("--degradation", dir, usable, "trace of at least " + MIN_STEPS + " steps (after --resample "
                + factor + ")", series.size(), EvaluateCommand.TRACE_FILES);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("mode", "degradation");
        res.put("series", bw.size());
        res.put("resample_factor", factor);
        try (DegradationForecaster f = modelDir == null ? DegradationForecaster.loadDefault()
                : new DegradationForecaster(ModelArtifact.load(modelDir))) {
            DegradationProtocol.Predictor model = (windows, slos) -> {
                DegradationForecaster.Forecast[] fc = f.predict(windows, slos);
                DegradationProtocol.Judgement[] out = new DegradationProtocol.Judgement[fc.length];
                for (int i = 0; i < fc.length; i++) {
                    out[i] = new DegradationProtocol.Judgement(fc[i].probability(), fc[i].degrading());
                }
                return out;
            };
            res.put("model_version", f.metadata().version());
            res.put("model_trained_at", f.metadata().trainedAt());
            List<DegradationComparison.Entry> entries = new ArrayList<>(List.of(
                    new DegradationComparison.Entry("model", model, true, true),
                    new DegradationComparison.Entry("trend", DegradationProtocol.trend(), true, true),
                    new DegradationComparison.Entry("distance_to_floor", DegradationProtocol.distanceToFloor(), false, false)));
            List<String> rows = new ArrayList<>(List.of("model", "trend", "distance_to_floor"));
            if (f.stack() != null) {
                // A stacked artifact: also its network alone, ranked (it has no threshold of its own).
                DegradationProtocol.Predictor network = (windows, slos) -> {
                    DegradationForecaster.Forecast[] fc = f.predict(windows, slos);
                    DegradationProtocol.Judgement[] out = new DegradationProtocol.Judgement[fc.length];
                    for (int i = 0; i < fc.length; i++) {
                        out[i] = new DegradationProtocol.Judgement(fc[i].networkProbability(), false);
                    }
                    return out;
                };
                entries.add(new DegradationComparison.Entry("network", network, false, true));
                rows.add("network");
                res.put("stack", f.stack().toParam());
            }
            for (double floor : new double[] {0.40, 0.25}) {
                Map<String, Object> s = DegradationComparison.summarise(DegradationComparison.run(bw, floor, entries),
                        BOOTSTRAP, SEED);
                System.out.printf("floor %.0f %% of median: %d events, %d asks (%d positive)%n", 100 * floor,
                        (Integer) s.get("events"), (Integer) s.get("asks"), (Integer) s.get("positive_asks"));
                System.out.printf("  %-18s %10s %10s %22s %22s %22s %8s%n", "predictor", "early det", "false warn",
                        "ROC-AUC [95% traces]", "early det at model FWR", "early det at FWR 0.05", "Brier");
                @SuppressWarnings("unchecked")
                Map<String, Object> boot = (Map<String, Object>) s.get("bootstrap");
                for (String name : rows) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) s.get(name);
                    List<?> ci = (List<?>) boot.get(switch (name) {
                        case "model" -> "auc_model";
                        case "trend" -> "auc_trend";
                        case "distance_to_floor" -> "auc_distance";
                        default -> "none";
                    });
                    String auc = ci == null ? String.format("%.3f", (Double) r.get("roc_auc"))
                            : String.format("%.3f [%.3f, %.3f]", (Double) r.get("roc_auc"), (Double) ci.get(0), (Double) ci.get(2));
                    System.out.printf("  %-18s %10s %10s %22s %22.3f %22.3f %8s%n", name, fmt(r.get("early_detection")),
                            fmt(r.get("false_warning_rate")), auc,
                            (Double) r.get("early_detection_at_model_fwr"), (Double) r.get("early_detection_at_fwr_0.05"),
                            fmt(r.get("brier")));
                }
                List<?> gt = (List<?>) boot.get("auc_gain_vs_trend"), gd = (List<?>) boot.get("auc_gain_vs_distance"),
                        er = (List<?>) boot.get("early_ratio_vs_trend_at_equal_fwr");
                System.out.printf("  AUC gain vs trend %.3f [%.3f, %.3f], vs distance %.3f [%.3f, %.3f]; early detection "
                                + "ratio model/trend at the model's FWR %.2f [%.2f, %.2f]%n", (Double) s.get("auc_gain_vs_trend"),
                        (Double) gt.get(0), (Double) gt.get(2), (Double) s.get("auc_gain_vs_distance"), (Double) gd.get(0),
                        (Double) gd.get(2), (Double) s.get("early_ratio_vs_trend_at_equal_fwr"), (Double) er.get(0),
                        (Double) er.get(2));
                res.put(String.format("floor_%02.0f", 100 * floor), s);
            }
        }
        return res;
    }

    private static String fmt(Object v) {
        return v == null ? "-" : String.format("%.3f", (Double) v);
    }
}

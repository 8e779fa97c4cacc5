package io.dwcp.models.cli;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.Traces;
import io.dwcp.models.eval.DegradationProtocol;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.ModelArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate --degradation DIR}: the degradation forecaster, the trend baseline and the forecast-free
 * distance-to-floor score under {@link DegradationProtocol} (issue 19), at throughput floors of 40 % and 25 % of
 * each series' median, on a folder of {@code t_s<TAB>Mbps} traces at their own step. Prints one table per floor.
 */
final class DegradationEvaluation {
    private DegradationEvaluation() {}

    static Map<String, Object> run(Path dir, Path modelDir) throws Exception {
        List<LinkSeries> series = Traces.folder(dir);
        List<double[]> bw = new ArrayList<>();
        for (LinkSeries s : series) {
            double[] v = new double[s.rows().length];
            for (int t = 0; t < v.length; t++) {
                v[t] = s.rows()[t][0];
            }
            bw.add(v);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("mode", "degradation");
        res.put("series", bw.size());
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
            for (double floor : new double[] {0.40, 0.25}) {
                DegradationProtocol.Asks m = DegradationProtocol.run(bw, floor, model);
                DegradationProtocol.Asks tr = DegradationProtocol.run(bw, floor, DegradationProtocol.trend());
                DegradationProtocol.Asks d = DegradationProtocol.run(bw, floor, DegradationProtocol.distanceToFloor());
                double fwr = m.falseWarningRate();
                System.out.printf("floor %.0f %% of median: %d events, %d asks (%d positive)%n", 100 * floor, m.events(),
                        m.scores().length, count(m.positive()));
                System.out.printf("  %-18s %10s %10s %8s %22s%n", "predictor", "early det", "false warn", "ROC-AUC",
                        "early det at model FWR");
                Map<String, Object> byFloor = new LinkedHashMap<>();
                byFloor.put("events", m.events());
                byFloor.put("asks", m.scores().length);
                for (var e : Map.of("model", m, "trend", tr, "distance_to_floor", d).entrySet().stream()
                        .sorted(Map.Entry.comparingByKey((a, b) -> order(a) - order(b))).toList()) {
                    DegradationProtocol.Asks a = e.getValue();
                    boolean warns = !e.getKey().equals("distance_to_floor");
                    System.out.printf("  %-18s %10s %10s %8.3f %22.3f%n", e.getKey(),
                            warns ? String.format("%.3f", a.earlyDetection()) : "-",
                            warns ? String.format("%.3f", a.falseWarningRate()) : "-", a.rocAuc(), a.earlyDetectionAt(fwr));
                    Map<String, Object> r = new LinkedHashMap<>();
                    if (warns) {
                        r.put("early_detection", a.earlyDetection());
                        r.put("false_warning_rate", a.falseWarningRate());
                    }
                    r.put("roc_auc", a.rocAuc());
                    r.put("early_detection_at_model_fwr", a.earlyDetectionAt(fwr));
                    byFloor.put(e.getKey(), r);
                }
                res.put(String.format("floor_%02.0f", 100 * floor), byFloor);
            }
        }
        return res;
    }

    private static int order(String k) {
        return switch (k) {
            case "model" -> 0;
            case "trend" -> 1;
            default -> 2;
        };
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean x : b) {
            n += x ? 1 : 0;
        }
        return n;
    }
}

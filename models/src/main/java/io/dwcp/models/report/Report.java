package io.dwcp.models.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's evaluation report: {@code report.json} (machine-readable) and {@code report.md} (for people),
 * with the PNG plots listed. Mutable builder; not thread-safe (one per trainer run).
 */
public final class Report {
    private static final ObjectMapper JSON = Json.indentedMapper();

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();

    public Report(String model, String title) {
        root.put("model", model);
        md.append("# ").append(title).append("\n\n");
    }

    public Report put(String key, Object value) {
        root.put(key, value);
        return this;
    }

    public Report para(String text) {
        md.append(text).append("\n\n");
        return this;
    }

    /** A Markdown table of metric vs target vs met. */
    public Report targets(Map<String, Object> metrics, List<Target> targets) {
        md.append("| metric | measured (test) | target | met |\n|---|---|---|---|\n");
        for (Target t : targets) {
            Object v = metrics.get(t.metric());
            md.append("| ").append(t.metric()).append(" | ").append(fmt(v)).append(" | ").append(t.describe())
                    .append(" | ").append(t.met(metrics) ? "yes" : "**NO**").append(" |\n");
        }
        md.append("\n");
        return this;
    }

    public Report table(List<String> header, List<List<Object>> rows) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        md.append("---|".repeat(header.size())).append("\n");
        for (List<Object> r : rows) {
            md.append("|");
            for (Object o : r) md.append(" ").append(fmt(o)).append(" |");
            md.append("\n");
        }
        md.append("\n");
        return this;
    }

    public Report image(String caption, String file) {
        md.append("![").append(caption).append("](").append(file).append(")\n\n");
        return this;
    }

    public Map<String, Object> json() {
        return root;
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("report.json").toFile(), root);
        Files.writeString(dir.resolve("report.md"), md.toString());
    }

    public static String fmt(Object v) {
        if (v instanceof Double d) {
            if (Double.isNaN(d)) return "NaN";
            double a = Math.abs(d);
            if (a != 0 && (a < 1e-3 || a >= 1e6)) return String.format("%.4e", d);
            return String.format("%.4f", d);
        }
        if (v instanceof Float f) return fmt(f.doubleValue());
        return String.valueOf(v);
    }

    /** A target: metric {@code >=} or {@code <=} a bound. */
    public record Target(String metric, String op, double bound) {
        public boolean met(Map<String, Object> metrics) {
            Object v = metrics.get(metric);
            if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) return false;
            return switch (op) {
                case ">=" -> n.doubleValue() >= bound;
                case "<=" -> n.doubleValue() <= bound;
                case ">" -> n.doubleValue() > bound;
                default -> n.doubleValue() < bound;
            };
        }

        public String describe() {
            return op + " " + fmt(bound);
        }

        public static boolean all(Map<String, Object> metrics, List<Target> ts) {
            return ts.stream().allMatch(t -> t.met(metrics));
        }

        public static Map<String, Object> spec(List<Target> ts) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Target t : ts) m.put(t.metric(), t.describe());
            return m;
        }
    }
}

package io.dwcp.models.data;

import io.dwcp.models.features.Schemas.LinkType;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reader for operators' {@code dwcp_metrics.csv} in the documented training schema
 * ({@code dwcp_training_schema.json} of the NovaCron reference): a header line, comma-separated, one row
 * per (timestamp, node_id, peer_id). Rows are grouped into time series per node/peer and sorted by
 * {@code epoch_time} (or {@code timestamp}).
 *
 * <ul>
 *   <li>{@link #links}: bandwidth series from {@code throughput_mbps, rtt_ms, packet_loss, jitter_ms}
 *       (time of day and day of week from the timestamp, UTC), link type from {@code link_type}.</li>
 *   <li>{@link #nodes}: reliability series from {@code uptime_pct, failure_rate, packet_loss, retransmits,
 *       error_budget_burn_rate, rtt_ms, cpu_usage, memory_usage, error_rate}; {@code cpu_usage} and
 *       {@code memory_usage} are not in the NovaCron schema, so when absent they are filled with 0.5
 *       (said in the error-free path's return value {@link Nodes#filled}); incident labels from
 *       {@code is_anomaly} (0/1/true/false), required to judge a model.</li>
 * </ul>
 * A missing required column is an {@link IOException} naming it. Thread-safe.
 */
public final class DwcpCsv {
    private DwcpCsv() {}

    /** Parsed table: header index and string cells. */
    record Table(Map<String, Integer> col, List<String[]> rows) {
        String get(String[] r, String c) {
            Integer i = col.get(c);
            return i == null || i >= r.length ? null : r[i].trim();
        }

        double num(String[] r, String c, double dflt) {
            String v = get(r, c);
            if (v == null || v.isEmpty()) return dflt;
            return Double.parseDouble(v);
        }
    }

    static Table read(Path csv) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            String header = in.readLine();
            if (header == null) throw new IOException(csv + " is empty");
            Map<String, Integer> col = new HashMap<>();
            String[] h = header.split(",");
            for (int i = 0; i < h.length; i++) col.put(h[i].trim().toLowerCase(Locale.ROOT), i);
            List<String[]> rows = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) if (!line.isBlank()) rows.add(line.split(",", -1));
            return new Table(col, rows);
        }
    }

    static void require(Table t, Path csv, String... cols) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String c : cols) if (!t.col().containsKey(c)) missing.add(c);
        if (!missing.isEmpty()) throw new IOException(csv + " lacks required column(s) " + missing);
    }

    static long epochSeconds(Table t, String[] r) {
        String e = t.get(r, "epoch_time");
        if (e != null && !e.isEmpty()) return (long) Double.parseDouble(e);
        String ts = t.get(r, "timestamp");
        try {
            return ZonedDateTime.parse(ts).toEpochSecond();
        } catch (RuntimeException ex) {
            return LocalDateTime.parse(ts.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
        }
    }

    static Map<String, List<String[]>> groups(Table t) {
        Map<String, List<String[]>> g = new LinkedHashMap<>();
        for (String[] r : t.rows()) {
            String key = t.get(r, "node_id") + "->" + (t.col().containsKey("peer_id") ? t.get(r, "peer_id") : "");
            g.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        for (List<String[]> rs : g.values()) rs.sort((a, b) -> Long.compare(epochSeconds(t, a), epochSeconds(t, b)));
        return g;
    }

    /** Bandwidth series per node/peer. */
    public static List<LinkSeries> links(Path csv) throws IOException {
        Table t = read(csv);
        require(t, csv, "node_id", "throughput_mbps", "rtt_ms", "packet_loss", "jitter_ms");
        if (!t.col().containsKey("epoch_time") && !t.col().containsKey("timestamp")) {
            throw new IOException(csv + " lacks required column(s) [epoch_time or timestamp]");
        }
        List<LinkSeries> out = new ArrayList<>();
        for (var e : groups(t).entrySet()) {
            List<String[]> rs = e.getValue();
            double[][] rows = new double[rs.size()][];
            LinkType lt = LinkType.WAN;
            long first = 0, last = 0;
            for (int i = 0; i < rs.size(); i++) {
                String[] r = rs.get(i);
                long s = epochSeconds(t, r);
                if (i == 0) first = s;
                last = s;
                // The shared feature function (Monday = 0, as the agent); this used Sunday = 0 before issue 14.
                float[] raw = io.dwcp.models.features.LinkFeatures.rawRow(t.num(r, "throughput_mbps", 0), t.num(r, "rtt_ms", 0),
                        t.num(r, "packet_loss", 0), t.num(r, "jitter_ms", 0), s * 1000L);
                rows[i] = new double[raw.length];
                for (int j = 0; j < raw.length; j++) rows[i][j] = raw[j];
                String l = t.get(r, "link_type");
                if (l != null && !l.isEmpty()) lt = LinkType.parse(l);
            }
            double step = rs.size() > 1 ? (double) (last - first) / (rs.size() - 1) : 60;
            out.add(new LinkSeries(e.getKey(), lt, step, rows, new boolean[rs.size()]));
        }
        return out;
    }

    /** Reliability series per node, with labels and which columns had to be filled. */
    public record Nodes(List<NodeSeries> series, List<String> filled) {}

    public static Nodes nodes(Path csv) throws IOException {
        Table t = read(csv);
        require(t, csv, "node_id", "uptime_pct", "failure_rate", "packet_loss", "retransmits", "error_budget_burn_rate",
                "rtt_ms", "error_rate", "is_anomaly");
        List<String> filled = new ArrayList<>();
        for (String c : new String[] {"cpu_usage", "memory_usage"}) if (!t.col().containsKey(c)) filled.add(c);
        List<NodeSeries> out = new ArrayList<>();
        for (var e : groups(t).entrySet()) {
            List<String[]> rs = e.getValue();
            double[][] rows = new double[rs.size()][];
            boolean[] inc = new boolean[rs.size()];
            String[] kind = new String[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                String[] r = rs.get(i);
                rows[i] = new double[] {t.num(r, "uptime_pct", 100), t.num(r, "failure_rate", 0), t.num(r, "packet_loss", 0),
                        t.num(r, "retransmits", 0), t.num(r, "error_budget_burn_rate", 0), t.num(r, "rtt_ms", 0),
                        t.num(r, "cpu_usage", 0.5), t.num(r, "memory_usage", 0.5), t.num(r, "error_rate", 0)};
                String a = t.get(r, "is_anomaly");
                inc[i] = a != null && (a.equals("1") || a.equalsIgnoreCase("true"));
                kind[i] = inc[i] ? "labelled" : null;
            }
            out.add(new NodeSeries(e.getKey(), rows, inc, kind));
        }
        return new Nodes(out, filled);
    }
}

package io.dwcp.models.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A univariate {@code timestamp,value} series (NAB format) and its labelled anomaly windows (NAB's
 * {@code combined_windows.json}: key {@code <folder>/<file>} → list of [start, end] timestamps). Immutable
 * by convention; the readers are thread-safe.
 */
public record NabSeries(String name, LocalDateTime[] time, double[] value, List<LocalDateTime[]> windows) {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public int length() {
        return value.length;
    }

    /** Parses a {@code timestamp,value} CSV with a header line. */
    public static NabSeries read(Path csv) throws IOException {
        List<LocalDateTime> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            String header = r.readLine();
            if (header == null || !header.toLowerCase().startsWith("timestamp")) {
                throw new IOException(csv + ": expected header 'timestamp,value', got '" + header + "'");
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                String[] p = line.split(",");
                if (p.length < 2) throw new IOException(csv + ":" + n + ": expected 'timestamp,value'");
                t.add(parseTime(p[0]));
                v.add(Double.parseDouble(p[1]));
            }
        }
        return new NabSeries(csv.getFileName().toString(), t.toArray(new LocalDateTime[0]),
                v.stream().mapToDouble(Double::doubleValue).toArray(), List.of());
    }

    static LocalDateTime parseTime(String s) {
        s = s.trim();
        if (s.length() > 19) s = s.substring(0, 19);
        return LocalDateTime.parse(s, TS);
    }

    /** This series with the windows listed for it in a NAB windows JSON (matched by file name). */
    public NabSeries withWindows(Path windowsJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(windowsJson.toFile());
        List<LocalDateTime[]> ws = new ArrayList<>();
        var it = root.fields();
        while (it.hasNext()) {
            var e = it.next();
            String key = e.getKey();
            if (!(key.equals(name) || key.endsWith("/" + name))) continue;
            for (JsonNode w : e.getValue()) ws.add(new LocalDateTime[] {parseTime(w.get(0).asText()), parseTime(w.get(1).asText())});
        }
        return new NabSeries(name, time, value, ws);
    }

    /** Index ranges [from, to] (inclusive) of the labelled windows. */
    public List<int[]> windowIndices() {
        List<int[]> out = new ArrayList<>();
        for (LocalDateTime[] w : windows) {
            int a = -1, b = -1;
            for (int i = 0; i < time.length; i++) {
                if (!time[i].isBefore(w[0]) && !time[i].isAfter(w[1])) {
                    if (a < 0) a = i;
                    b = i;
                }
            }
            if (a >= 0) out.add(new int[] {a, b});
        }
        return out;
    }

    /** All {@code *.csv} files in a folder, by name, with their windows. */
    public static List<NabSeries> folder(Path dir, Path windowsJson) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".csv")).forEach(p -> files.put(p.getFileName().toString(), p));
        }
        List<NabSeries> out = new ArrayList<>();
        for (Path p : files.values()) out.add(read(p).withWindows(windowsJson));
        return out;
    }
}

package io.dwcp.models.data;

import io.dwcp.models.features.Schemas.LinkType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real throughput traces in the pensieve format ({@code <time_seconds>\t<throughput_Mbps>} per line) as
 * {@link LinkSeries} in the bandwidth schema. A trace has no latency, loss or jitter, so those columns are
 * filled with the constants {@link #FILL_LATENCY_MS}, {@link #FILL_LOSS}, {@link #FILL_JITTER_MS} (the
 * forecaster is trained with the same fill and its loss ignores those targets for traces);
 * time_of_day and day_of_week are 0: the traces' clocks start at 0 and are not wall-clock time, so they
 * must not teach a model daily cycles (issue 14). {@link #resample} aggregates a trace to a coarser step
 * (mean throughput over the coarser step); {@link #family} names the collection a trace comes from.
 * Thread-safe.
 */
public final class Traces {
    private Traces() {}

    public static final double FILL_LATENCY_MS = 50, FILL_LOSS = 0.001, FILL_JITTER_MS = 5;
    private static final String BUNDLE = "/io/dwcp/models/data/traces/";

    /** Parses one trace; blank or malformed lines are an error naming the line. */
    public static LinkSeries parse(String id, BufferedReader in) throws IOException {
        List<double[]> rows = new ArrayList<>();
        String line;
        int n = 0;
        double prevT = Double.NaN, dtSum = 0;
        while ((line = in.readLine()) != null) {
            n++;
            line = line.trim();
            if (line.isEmpty()) continue;
            String[] parts = line.split("\\s+");
            if (parts.length < 2) throw new IOException(id + ":" + n + ": expected '<t_s>\\t<Mbps>', got '" + line + "'");
            double t = Double.parseDouble(parts[0]);
            double mbps = Double.parseDouble(parts[1]);
            if (!Double.isNaN(prevT)) dtSum += t - prevT;
            prevT = t;
            rows.add(new double[] {mbps, FILL_LATENCY_MS, FILL_LOSS, FILL_JITTER_MS, 0, 0});
        }
        double step = rows.size() > 1 ? dtSum / (rows.size() - 1) : 1;
        return new LinkSeries(id, LinkType.EDGE, step, rows.toArray(new double[0][]), new boolean[rows.size()]);
    }

    /** The traces bundled in this jar (see SOURCE.md next to them), in index order. */
    public static List<LinkSeries> bundled() {
        List<LinkSeries> out = new ArrayList<>();
        try (InputStream idx = Traces.class.getResourceAsStream(BUNDLE + "index.txt")) {
            if (idx == null) throw new IllegalStateException("bundled trace index missing");
            for (String name : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) continue;
                try (InputStream in = Traces.class.getResourceAsStream(BUNDLE + name.trim())) {
                    out.add(parse(name.trim(), new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every regular, non-hidden file in {@code dir}, sorted by name. */
    public static List<LinkSeries> folder(Path dir) throws IOException {
        List<LinkSeries> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList()) {
                try (BufferedReader r = Files.newBufferedReader(p)) {
                    out.add(parse(p.getFileName().toString(), r));
                }
            }
        }
        return out;
    }

    /**
     * The collection a series comes from, by its id (file name): {@code fcc} for the FCC broadband traces
     * ({@code trace_*}), {@code norway} for the HSDPA 3G ones ({@code bus. car. ferry. metro. train. tram.}),
     * {@code synthetic} for {@link SyntheticLinks} ({@code link-*}), else {@code other}.
     */
    public static String family(String id) {
        String n = id.contains("/") ? id.substring(id.lastIndexOf('/') + 1) : id;
        if (n.startsWith("trace_")) return "fcc";
        if (n.matches("(bus|car|ferry|metro|train|tram)\\..*")) return "norway";
        if (n.startsWith("link-")) return "synthetic";
        return "other";
    }

    /**
     * The trace aggregated to {@code factor} times its step: each new sample is the mean throughput of
     * {@code factor} consecutive samples (the throughput over the coarser step when the samples are evenly
     * spaced), starting at sample {@code phase}; a trailing partial block is dropped. Id gets {@code @x<factor>}.
     */
    public static LinkSeries resample(LinkSeries s, int factor, int phase) {
        if (factor < 1 || phase < 0) throw new IllegalArgumentException("factor >= 1 and phase >= 0, got " + factor + ", " + phase);
        if (factor == 1 && phase == 0) return s;
        int n = Math.max(0, (s.length() - phase) / factor);
        double[][] rows = new double[n][];
        boolean[] cong = new boolean[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            int start = phase + i * factor;
            for (int k = 0; k < factor; k++) sum += s.rows()[start + k][0];
            double[] r = s.rows()[start + factor - 1].clone();
            r[0] = sum / factor;
            rows[i] = r;
            for (int k = 0; k < factor; k++) cong[i] |= s.congested()[start + k];
        }
        return new LinkSeries(s.id() + "@x" + factor + (phase == 0 ? "" : "p" + phase), s.linkType(),
                s.stepSeconds() * factor, rows, cong);
    }
}

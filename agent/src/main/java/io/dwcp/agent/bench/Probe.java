package io.dwcp.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** What the load generator reads off the agent under test: /proc (CPU, RSS, threads) and its /metrics. */
final class Probe {
    private Probe() {}

    /** CPU time per agent thread name (threads of one name summed), from /proc/PID/task. */
    static java.util.Map<String, Long> threadCpu(long pid) throws IOException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    out.merge(name, ticks * (1_000_000_000L / 100), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // thread ended between list and read
                }
            }
        }
        return out;
    }

    static void printThreads(long pid, java.util.Map<String, Long> before, long wallNanos) throws IOException {
        java.util.Map<String, Long> after = threadCpu(pid);
        System.out.println("agent CPU by thread (cores):");
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-28s %.3f%n", e.getKey(), e.getValue() / (double) wallNanos));
    }

    /** Per model: batches run, inputs per batch and model time per batch over the whole run (warm-up included). */
    static void printModels(String metrics) {
        StringBuilder b = new StringBuilder("model calls (whole run):");
        for (String m : List.of("bandwidth", "degradation", "compression", "reliability", "latency")) {
            double batches = sum(metrics, "dwcp_batcher_compute_seconds_count{model=\"" + m + "\"");
            if (batches > 0) {
                b.append(String.format(Locale.ROOT, " %s %.0f batches × %.1f inputs, %.3f ms/batch;", m, batches,
                        meanBatch(metrics, m), msPerBatch(metrics, m)));
            }
        }
        System.out.println(b);
    }

    /** Inputs per model call of {@code model} over the run, from its batcher's histogram. */
    static double meanBatch(String metrics, String model) {
        return ratio(metrics, "dwcp_batcher_batch_size_sum{model=\"" + model + "\"",
                "dwcp_batcher_batch_size_count{model=\"" + model + "\"");
    }

    /** Model time per call of {@code model} over the run, in ms. */
    static double msPerBatch(String metrics, String model) {
        return 1000 * ratio(metrics, "dwcp_batcher_compute_seconds_sum{model=\"" + model + "\"",
                "dwcp_batcher_compute_seconds_count{model=\"" + model + "\"");
    }

    /** The value of a string field {@code "name":"value"} in one event line. */
    static String field(String line, String name) {
        String key = "\"" + name + "\":\"";
        int i = line.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("event without " + name + ": " + line);
        }
        int from = i + key.length();
        return line.substring(from, line.indexOf('"', from));
    }

    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
        return ticks * (1_000_000_000L / 100); // USER_HZ is 100 on Linux
    }

    static double rssMb(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    static String scrape(int port) {
        try {
            var c = java.net.http.HttpClient.newHttpClient();
            return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    static double sum(String metrics, String name) {
        double total = 0;
        for (String l : metrics.split("\n")) {
            if (l.startsWith(name) && !l.startsWith("#")) {
                String v = l.substring(l.lastIndexOf(' ') + 1);
                try {
                    total += Double.parseDouble(v);
                } catch (NumberFormatException ignored) {
                    // not a sample line
                }
            }
        }
        return total;
    }

    /** The largest of the sample lines starting with {@code name}; 0 when absent. */
    static double max(String metrics, String name) {
        double m = 0;
        for (String l : metrics.split("\n")) {
            if (l.startsWith(name) && !l.startsWith("#")) {
                try {
                    m = Math.max(m, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
                } catch (NumberFormatException ignored) {
                    // not a sample line
                }
            }
        }
        return m;
    }

    /**
     * The p99 (the upper bound of the bucket that holds it) of a Prometheus histogram between two scrapes: the
     * bucket lines {@code <prefix>...le="x"...} of {@code before} subtracted from those of {@code after}. In the
     * histogram's unit; NaN without observations.
     */
    static double p99Between(String before, String after, String prefix) {
        java.util.TreeMap<Double, Double> b = buckets(before, prefix);
        java.util.TreeMap<Double, Double> a = buckets(after, prefix);
        if (a.isEmpty()) {
            return Double.NaN;
        }
        double total = a.lastEntry().getValue() - b.getOrDefault(a.lastKey(), 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (java.util.Map.Entry<Double, Double> e : a.entrySet()) {
            if (e.getValue() - b.getOrDefault(e.getKey(), 0.0) >= 0.99 * total) {
                return e.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static java.util.TreeMap<Double, Double> buckets(String metrics, String prefix) {
        java.util.TreeMap<Double, Double> m = new java.util.TreeMap<>();
        for (String l : metrics.split("\n")) {
            int le = l.indexOf("le=\"");
            if (!l.startsWith(prefix) || le < 0) {
                continue;
            }
            String bound = l.substring(le + 4, l.indexOf('"', le + 4));
            try {
                m.merge(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
                        Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return m;
    }

    /** Ratio of two sample lines (prefix match), e.g. a histogram's sum over its count; NaN when absent. */
    static double ratio(String metrics, String num, String den) {
        double d = sum(metrics, den);
        return d > 0 ? sum(metrics, num) / d : Double.NaN;
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket d = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return d.getLocalPort();
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

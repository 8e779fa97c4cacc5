package io.dwcp.agent.bench;

import static io.dwcp.agent.bench.Probe.*;

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

/**
 * End-to-end load generator: starts the agent jar as its own process (so its CPU and RSS are its own),
 * sends link samples over UDP at a fixed rate spread over many links, reads the socket, and measures
 * latency from the datagram's send to the prediction event's arrival with HdrHistogram. Each sample
 * carries a unique millisecond timestamp per link, echoed back as the event's {@code sample_timestamp},
 * so every event is matched to the send of the sample that completed its window.
 *
 * <pre>
 * java -cp agent/target/dwcp-agent.jar io.dwcp.agent.bench.LoadGenerator \
 *     --rates 1000,20000,100000 --batches 1,64 --links 1000 --seconds 10 [--repeat 2] [--threads]
 * java -cp agent/target/dwcp-agent.jar io.dwcp.agent.bench.LoadGenerator --ingest --rates 0,100000 --repeat 2
 * </pre>
 * {@code --ingest} adds a table of UDP figures (offered, read by the agent, kernel drops, accounting);
 * rate {@code 0} sends as fast as this one sender thread can.
 * With {@code --repeat N} each setting runs N times (a fresh agent each time) and a last table gives the
 * median and the spread (± half the range, in % of the median) of each figure.
 * Prints one table row per (rate, batch setting). Bounded: every run stops by itself after its duration.
 */
public final class LoadGenerator {

    record Settings(List<Integer> rates, List<Integer> batches, int links, int seconds, int warmupSeconds,
                    long delayMicros, String jar, List<String> jvmArgs, List<String> extraArgs, boolean threads, int repeat,
                    boolean ingest) {}

    record Row(int rate, int batch, long delayMicros, long sent, long events, double eventsPerSec, double p50, double p99,
               double p999, double max, double cpuCores, double rssMb, double udpRejected, double kernelDrops,
               double predictionsLost, double meanBatch, double computeMsPerBatch, double rssAnonMb, long sentTotal,
               double udpReceived, double sentPerSec, double readPerSec, double udpThreadCores, Tail tail) {
        /** Agent CPU time per delivered event, the figure that does not depend on how busy the machine was. */
        double cpuMicrosPerEvent() {
            return eventsPerSec > 0 ? cpuCores * 1e6 / eventsPerSec : Double.NaN;
        }
    }

    /**
     * Where a run's tail can come from besides the agent's own work (issue 16): the agent's GC pauses in the
     * measured window (its Micrometer jvm_gc_pause series), this generator's own GC pauses and CPU (it shares the
     * agent's cores), and how late a thread that sleeps 1 ms wakes on this machine at the same time (the floor
     * that scheduling on shared cores puts under any latency measured here). The batcher waits are the p99 of
     * an input's time in the forecaster's and the degradation model's queues (bucket bounds of their histograms).
     */
    record Tail(double agentGcPauses, double agentGcMs, double agentGcMaxMs, long genGcPauses, long genGcMs,
                double genCores, double wakeP99Ms, double wakeMaxMs, double batcherWaitP99Ms, double degradationWaitP99Ms) {}

    public static void main(String[] args) throws Exception {
        Settings s = parse(args);
        System.out.printf(Locale.ROOT, "# dwcp-agent load generator: %d links, %d s per run (+%d s warm-up), %d cores, java %s%n",
                s.links, s.seconds, s.warmupSeconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<Row> rows = new ArrayList<>();
        for (int batch : s.batches) {
            for (int rate : s.rates) {
                for (int rep = 0; rep < s.repeat; rep++) {
                    rows.add(run(s, rate, batch));
                    print(rows);
                }
            }
        }
        if (s.repeat > 1) {
            summary(rows);
        }
        if (s.ingest) {
            ingestTable(rows);
        }
        tailTable(rows);
    }

    /** The measured window's tail next to what, besides the agent's work, could have made it (see {@link Tail}). */
    static void tailTable(List<Row> rows) {
        System.out.println();
        System.out.println("| samples/s | p99 ms | p99.9 ms | max ms | forecaster batcher wait p99 ms | degradation batcher wait p99 ms | agent GC pauses | agent GC ms (max) | generator GC pauses | generator GC ms | generator CPU (cores) | 1 ms sleeper: late p99 ms (max) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            Tail t = r.tail;
            System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | ≤ %.2f | ≤ %.2f | %.0f | %.0f (%.1f) | %d | %d | %.2f | %.2f (%.1f) |%n",
                    r.rate, r.p99, r.p999, r.max, t.batcherWaitP99Ms, t.degradationWaitP99Ms, t.agentGcPauses, t.agentGcMs,
                    t.agentGcMaxMs, t.genGcPauses, t.genGcMs, t.genCores, t.wakeP99Ms, t.wakeMaxMs);
        }
        System.out.flush();
    }

    /** Counters at the start of the measured window (see {@code run}: taken off the sender thread). */
    private static final class Baseline {
        long wall0;
        long cpu0;
        java.util.Map<String, Long> threads0 = java.util.Map.of();
        String m0 = "";
        long genGcN0;
        long genGcMs0;
        long genCpu0;

        void take(long agentPid, int httpPort) {
            try {
                wall0 = System.nanoTime();
                cpu0 = cpuNanos(agentPid);
                threads0 = threadCpu(agentPid);
                genGcN0 = genGc(false);
                genGcMs0 = genGc(true);
                genCpu0 = cpuNanos(ProcessHandle.current().pid());
                m0 = scrape(httpPort);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static long genGc(boolean time) {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, time ? b.getCollectionTime() : b.getCollectionCount());
        }
        return n;
    }

    /** A thread that sleeps 1 ms at a time and records how late it wakes, until {@code stop}. */
    private static Thread sleeper(Histogram late, java.util.concurrent.atomic.AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                LockSupport.parkNanos(1_000_000);
                late.recordValue(Math.min(Math.max(0, System.nanoTime() - t0 - 1_000_000), late.getHighestTrackableValue()));
            }
        }, "wake-probe");
        t.setDaemon(true);
        return t;
    }

    /**
     * Ingest figures: what the sender offered, what the agent's UDP loop read, what the kernel dropped for
     * want of receive buffer, and the check that nothing else vanished (sent = read + kernel drops).
     */
    static void ingestTable(List<Row> rows) {
        System.out.println();
        System.out.println("| target/s | sent/s (measured) | read by agent/s | sent (whole run) | read | kernel drops | sent − read − kernel drops | rejected (queue_full etc.) | UDP thread (cores) | agent CPU (cores) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %d | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f |%n",
                    r.rate <= 0 ? "max" : Integer.toString(r.rate), r.sentPerSec, r.readPerSec, r.sentTotal, r.udpReceived,
                    r.kernelDrops, r.sentTotal - r.udpReceived - r.kernelDrops, r.udpRejected, r.udpThreadCores, r.cpuCores);
        }
        System.out.flush();
    }

    /** Per (rate, batch): the median of the repeated runs and their spread, (max - min) / median. */
    static void summary(List<Row> rows) {
        System.out.println();
        System.out.println("| samples/s | max batch | runs | events/s | p50 ms | p99 ms | p99.9 ms | CPU µs/event | agent RSS MB | UDP lost | predictions lost |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        java.util.Map<String, List<Row>> groups = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.rate + "/" + r.batch, k -> new ArrayList<>()).add(r);
        }
        for (List<Row> g : groups.values()) {
            Row f = g.get(0);
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", f.rate, f.batch, g.size(),
                    spread(g, Row::eventsPerSec, "%.0f"), spread(g, Row::p50, "%.2f"), spread(g, Row::p99, "%.2f"),
                    spread(g, Row::p999, "%.2f"), spread(g, Row::cpuMicrosPerEvent, "%.0f"), spread(g, Row::rssMb, "%.0f"),
                    spread(g, r -> r.sentTotal - r.udpReceived, "%.0f"), spread(g, Row::predictionsLost, "%.0f"));
        }
        System.out.flush();
    }

    static String spread(List<Row> g, java.util.function.ToDoubleFunction<Row> f, String fmt) {
        double[] v = g.stream().mapToDouble(f).sorted().toArray();
        double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        String m = String.format(Locale.ROOT, fmt, med);
        if (v.length < 2 || med == 0 || !Double.isFinite(med)) {
            return m;
        }
        return m + String.format(Locale.ROOT, " (±%.0f%%)", 100 * (v[v.length - 1] - v[0]) / Math.abs(med) / 2);
    }

    static void print(List<Row> rows) {
        System.out.println();
        System.out.println("| samples/s | max batch | delay µs | sent | events | events/s | p50 ms | p99 ms | p99.9 ms | max ms | agent CPU (cores) | CPU µs/event | mean model batch | model ms/batch | agent RSS MB | of which anon MB | UDP sent (all) | UDP received | UDP rejected | kernel drops | predictions lost |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f | %.1f | %.3f | %.0f | %.0f | %d | %.0f | %.0f | %.0f | %.0f |%n",
                    r.rate, r.batch, r.delayMicros, r.sent, r.events, r.eventsPerSec, r.p50, r.p99, r.p999, r.max, r.cpuCores,
                    r.cpuMicrosPerEvent(), r.meanBatch, r.computeMsPerBatch, r.rssMb, r.rssAnonMb, r.sentTotal, r.udpReceived, r.udpRejected, r.kernelDrops, r.predictionsLost);
        }
        System.out.flush();
    }

    static Row run(Settings s, int rate, int batch) throws Exception {
        Path dir = Files.createTempDirectory("dwcp-load");
        Path sock = dir.resolve("agent.sock");
        int udpPort = freeUdpPort();
        int httpPort = freeTcpPort();
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(s.jvmArgs);
        // -Ddwcp.load.main=CLASS runs that class from the jar instead of the agent (EchoPeer: the machine's floor).
        String main = System.getProperty("dwcp.load.main");
        cmd.addAll(main == null ? List.of("-jar", s.jar) : List.of("-cp", s.jar, main));
        cmd.addAll(List.of(
                "--dwcp.ingest.port=" + udpPort, "--micronaut.server.port=" + httpPort, "--dwcp.socket.path=" + sock,
                "--dwcp.inference.max-batch-size=" + batch, "--dwcp.inference.max-queue-delay-micros=" + s.delayMicros,
                "--dwcp.socket.client-buffer-events=100000", "--dwcp.windows.max-links=" + Math.max(10_000, s.links)));
        cmd.addAll(s.extraArgs);
        Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(sock) && System.nanoTime() < deadline && agent.isAlive()) {
                Thread.sleep(50);
            }
            if (!Files.exists(sock)) {
                throw new IllegalStateException("agent did not start; see " + dir.resolve("agent.log"));
            }
            Thread.sleep(300);
            long base = (System.currentTimeMillis() / 1000 - 3600) * 1000; // an hour ago: never "future"
            long[][] sendNanos = new long[s.links][];
            boolean unpaced = rate <= 0; // --rates 0: as fast as this sender goes (ingest saturation)
            int perLink = (int) Math.ceil((double) (unpaced ? 500_000 : rate) * (s.seconds + s.warmupSeconds) / s.links) + 2;
            for (int l = 0; l < s.links; l++) {
                sendNanos[l] = new long[perLink];
            }
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
            AtomicLong events = new AtomicLong();
            scrape(httpPort); // warms the metrics path (see the baseline below)
            long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.warmupSeconds);
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(sock));
            SlowLog slow = SlowLog.fromProperty(measureFrom);
            Thread reader = new Thread(() -> read(ch, base, sendNanos, h, events, measureFrom, slow));
            reader.setDaemon(true);
            reader.start();
            ch.write(ByteBuffer.wrap("{\"id\":\"s\",\"method\":\"subscribe\",\"params\":{\"types\":[\"bandwidth_prediction\"]}}\n"
                    .getBytes(StandardCharsets.UTF_8)));

            long sent = 0;
            long sentMeasured = 0;
            Histogram wakeLate = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            java.util.concurrent.atomic.AtomicBoolean wakeStop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread wakeProbe = sleeper(wakeLate, wakeStop);
            // The baseline at the start of the measured window is taken on its own thread, after one scrape (before
            // the warm-up) that warms both ends: when the sender took it itself, the first scrape (HTTP client, the
            // agent's endpoint) held the sender ~0.5 s, and it then sent the ~500 samples it owed (at 1,000/s;
            // 10,000 at 20,000/s) as one burst, whose queueing was the measured p99.
            Baseline b0 = new Baseline();
            long pid = agent.pid();
            Thread baseline = new Thread(() -> {
                for (long w; (w = measureFrom - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(w);
                }
                b0.take(pid, httpPort);
                wakeProbe.start();
            }, "baseline");
            baseline.setDaemon(true);
            baseline.start();
            try (DatagramChannel udp = DatagramChannel.open()) {
                udp.connect(new InetSocketAddress("127.0.0.1", udpPort));
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(s.seconds + s.warmupSeconds);
                long periodNanos = 1_000_000; // send in 1 ms slices
                double perSlice = rate / 1000.0;
                double owed = 0;
                long next = start;
                int[] seq = new int[s.links];
                int link = 0;
                boolean measuring = false;
                ByteBuffer buf = ByteBuffer.allocate(512);
                byte[][] prefix = new byte[s.links][];
                for (int l = 0; l < s.links; l++) {
                    prefix[l] = ("dwcp_link,node_id=n" + (l % 64) + ",peer_id=p" + l + " bandwidth_mbps=")
                            .getBytes(StandardCharsets.US_ASCII);
                }
                byte[] middle = ",latency_ms=10,packet_loss=0.001,jitter_ms=1 ".getBytes(StandardCharsets.US_ASCII);
                while (System.nanoTime() < end) {
                    if (!measuring && System.nanoTime() >= measureFrom) {
                        measuring = true;
                        sentMeasured = sent;
                    }
                    owed += unpaced ? 256 : perSlice;
                    while (owed >= 1) {
                        owed -= 1;
                        int q = seq[link];
                        if (q < perLink) {
                            // Built in place (no String per datagram): the generator shares the agent's two cores,
                            // and its garbage collections pause the reader that timestamps events.
                            buf.clear();
                            buf.put(prefix[link]);
                            ascii(buf, 500 + (q % 50));
                            buf.put(middle);
                            ascii(buf, (base + q) * 1_000_000L);
                            buf.flip();
                            sendNanos[link][q] = System.nanoTime();
                            udp.write(buf);
                            seq[link] = q + 1;
                            sent++;
                        }
                        link = (link + 1) % s.links;
                    }
                    if (unpaced) {
                        continue;
                    }
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
            baseline.join();
            if (b0.wall0 == 0) {
                throw new IllegalStateException("the baseline at the start of the measured window was not taken");
            }
            long cpu0 = b0.cpu0;
            java.util.Map<String, Long> threads0 = b0.threads0;
            long wall0 = b0.wall0;
            String m0 = b0.m0;
            double read0 = sum(m0, "dwcp_ingest_datagrams_total");
            double agentGc0 = sum(m0, "jvm_gc_pause_seconds_count");
            double agentGcSec0 = sum(m0, "jvm_gc_pause_seconds_sum");
            long genGcN0 = b0.genGcN0;
            long genGcMs0 = b0.genGcMs0;
            long genCpu0 = b0.genCpu0;
            long sendWall = System.nanoTime() - wall0;
            Thread.sleep(1000); // let the tail arrive
            long wall = System.nanoTime() - wall0;
            wakeStop.set(true);
            long genCpu = cpuNanos(ProcessHandle.current().pid()) - genCpu0;
            long genGcN = genGc(false) - genGcN0;
            long genGcMs = genGc(true) - genGcMs0;
            java.util.Map<String, Long> threads1 = threadCpu(agent.pid());
            double udpCores = (threads1.getOrDefault("dwcp-udp-N-N", 0L) - threads0.getOrDefault("dwcp-udp-N-N", 0L)) / (double) wall;
            if (s.threads) {
                printThreads(agent.pid(), threads0, wall);
            }
            double cpuCores = (cpuNanos(agent.pid()) - cpu0) / (double) wall;
            double rss = rssMb(agent.pid(), "VmRSS:");
            double rssAnon = rssMb(agent.pid(), "RssAnon:");
            String metrics = scrape(httpPort);
            printModels(metrics);
            ch.close();
            slow.write(rate, batch);
            long n = events.get();
            return new Row(rate, batch, s.delayMicros, sent - sentMeasured, h.getTotalCount(),
                    h.getTotalCount() / (wall / 1e9), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                    h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, cpuCores, rss,
                    sum(metrics, "dwcp_ingest_rejected_total"), sum(metrics, "dwcp_ingest_kernel_drops_total"),
                    sum(metrics, "dwcp_predictions_failed_total"),
                    meanBatch(metrics, "bandwidth"), msPerBatch(metrics, "bandwidth"),
                    rssAnon, sent, sum(metrics, "dwcp_ingest_datagrams_total"), (sent - sentMeasured) / (sendWall / 1e9),
                    (sum(metrics, "dwcp_ingest_datagrams_total") - read0) / (wall / 1e9), udpCores,
                    new Tail(sum(metrics, "jvm_gc_pause_seconds_count") - agentGc0,
                            1000 * (sum(metrics, "jvm_gc_pause_seconds_sum") - agentGcSec0),
                            1000 * max(metrics, "jvm_gc_pause_seconds_max"), genGcN, genGcMs, genCpu / (double) wall,
                            wakeLate.getValueAtPercentile(99) / 1e6, wakeLate.getMaxValue() / 1e6,
                            1000 * p99Between(m0, metrics, "dwcp_batcher_queue_wait_seconds_bucket{model=\"bandwidth\""),
                            1000 * p99Between(m0, metrics, "dwcp_batcher_queue_wait_seconds_bucket{model=\"degradation\"")));
        } finally {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }

    private static void read(SocketChannel ch, long base, long[][] sendNanos, Histogram h, AtomicLong events, long measureFrom,
                             SlowLog slow) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                long now = System.nanoTime();
                // Two fields by string search, not a JSON tree per event: the reader shares the agent's cores,
                // and what it spends is CPU the agent under test does not get.
                if (!line.contains("\"type\":\"bandwidth_prediction\"")) {
                    continue;
                }
                events.incrementAndGet();
                String peer = field(line, "peer_id");
                int link = Integer.parseInt(peer.substring(1));
                int q = (int) (isoMillis(field(line, "sample_timestamp")) - base);
                long sentAt = sendNanos[link][q];
                if (sentAt >= measureFrom) {
                    h.recordValue(Math.min(now - sentAt, h.getHighestTrackableValue()));
                    slow.add(sentAt, now - sentAt, link);
                }
            }
        } catch (IOException | RuntimeException e) {
            // socket closed at the end of the run
        }
    }

    /**
     * With {@code -Ddwcp.load.slow-log=DIR}: every measured event slower than {@code -Ddwcp.load.slow-ms} (default 1)
     * as a row of its send time (wall clock, µs; and {@code System.nanoTime}, for {@code perf record -k
     * CLOCK_MONOTONIC}) and latency (µs), to tell stalls (slow events in runs, to be matched
     * against the agent's GC or safepoint log) from scattered per-event delays. Bounded: at most 1M rows a run.
     */
    static final class SlowLog {
        private final Path dir;
        private final long thresholdNanos;
        private final long wallMicros0;
        private final long nanos0;
        private final long[] rows = new long[3 * 1_000_000];
        private int n;

        private SlowLog(Path dir, long thresholdNanos) {
            this.dir = dir;
            this.thresholdNanos = thresholdNanos;
            this.wallMicros0 = System.currentTimeMillis() * 1000;
            this.nanos0 = System.nanoTime();
        }

        static SlowLog fromProperty(long measureFrom) {
            String d = System.getProperty("dwcp.load.slow-log");
            double ms = Double.parseDouble(System.getProperty("dwcp.load.slow-ms", "1"));
            return new SlowLog(d == null ? null : Path.of(d), (long) (ms * 1e6));
        }

        void add(long sentAt, long latency, int link) {
            if (dir != null && latency >= thresholdNanos && n + 3 <= rows.length) {
                rows[n++] = sentAt;
                rows[n++] = latency;
                rows[n++] = link;
            }
        }

        void write(int rate, int batch) throws IOException {
            if (dir == null) {
                return;
            }
            Files.createDirectories(dir);
            StringBuilder b = new StringBuilder("send_wall_us\tlatency_us\tlink\tsend_mono_ns\n");
            for (int i = 0; i < n; i += 3) {
                b.append(wallMicros0 + (rows[i] - nanos0) / 1000).append('\t').append(rows[i + 1] / 1000).append('\t')
                        .append(rows[i + 2]).append('\t').append(rows[i]).append('\n');
            }
            Path f = dir.resolve("slow-" + rate + "-" + batch + "-" + System.currentTimeMillis() + ".tsv");
            Files.writeString(f, b);
            System.out.println("slow events (" + n / 3 + "): " + f);
        }
    }

    /** Non-negative {@code v} in decimal ASCII. */
    static void ascii(ByteBuffer buf, long v) {
        if (v >= 10) {
            ascii(buf, v / 10);
        }
        buf.put((byte) ('0' + v % 10));
    }

    /**
     * Epoch milliseconds of an {@link Instant#toString()} in UTC ({@code 2026-12-02T10:22:01.123Z}, fraction
     * optional), without {@code Instant.parse}'s formatter objects: the reader runs once per event.
     */
    static long isoMillis(String t) {
        if (t.length() < 20 || t.charAt(10) != 'T' || t.charAt(t.length() - 1) != 'Z') {
            return Instant.parse(t).toEpochMilli();
        }
        long day = java.time.LocalDate.of(num(t, 0, 4), num(t, 5, 7), num(t, 8, 10)).toEpochDay();
        long sec = day * 86_400 + num(t, 11, 13) * 3600L + num(t, 14, 16) * 60L + num(t, 17, 19);
        int ms = 0;
        if (t.charAt(19) == '.') {
            int digits = Math.min(3, t.length() - 21);
            ms = num(t, 20, 20 + digits);
            for (int i = digits; i < 3; i++) {
                ms *= 10;
            }
        }
        return sec * 1000 + ms;
    }

    private static int num(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return v;
    }

    static Settings parse(String[] args) {
        List<Integer> rates = List.of(1000, 20000, 100000);
        List<Integer> batches = List.of(64);
        int links = 1000;
        int seconds = 10;
        int warmup = 3;
        long delay = 500;
        String jar = "agent/target/dwcp-agent.jar";
        List<String> extra = new ArrayList<>();
        List<String> jvm = new ArrayList<>();
        boolean threads = false;
        int repeat = 1;
        boolean ingest = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--rates" -> rates = ints(args[++i]);
                case "--batches" -> batches = ints(args[++i]);
                case "--links" -> links = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--delay-us" -> delay = Long.parseLong(args[++i]);
                case "--jar" -> jar = args[++i];
                case "--jvm" -> jvm.add(args[++i]);
                case "--threads" -> threads = true;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--ingest" -> ingest = true;
                default -> {
                    if (a.startsWith("--dwcp.")) {
                        extra.add(a);
                    } else {
                        throw new IllegalArgumentException("unknown option " + a
                                + " (--rates (0 = unpaced), --batches, --links, --seconds, --warmup, --delay-us, --jar, --jvm OPTION (repeatable), --threads, --repeat N, --ingest, --dwcp.key=value)");
                    }
                }
            }
        }
        if (jvm.isEmpty()) {
            // The packaged unit's JVM (systemd/dwcp-agent.service JAVA_OPTS), so RSS and pauses are what a node sees.
            jvm.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"));
        }
        return new Settings(rates, batches, links, seconds, warmup, delay, jar, jvm, extra, threads, Math.max(1, repeat), ingest);
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            out.add(Integer.parseInt(p.trim()));
        }
        return out;
    }
}

package io.dwcp.agent.bench;

import static io.dwcp.agent.bench.Probe.freeTcpPort;
import static io.dwcp.agent.bench.Probe.freeUdpPort;
import static io.dwcp.agent.bench.Probe.javaBin;
import static io.dwcp.agent.bench.Probe.rssMb;
import static io.dwcp.agent.bench.Probe.scrape;
import static io.dwcp.agent.bench.Probe.sum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The outside attack of issue 17 as one command: starts the agent as its own process with the given JVM options (the
 * unit's by default; {@code --edge} for the edge drop-in's), runs each attack against it, and prints one table row
 * per attack: what was sent, the outcome, whether every input was counted, and the agent's heap and RSS afterwards.
 * Exits 1 if any row failed.
 *
 * <pre>
 * java -cp agent/target/dwcp-agent.jar io.dwcp.agent.bench.AttackSuite [--edge] [--seconds 10] [--cp CLASSPATH]
 * </pre>
 * {@code --seconds} is the length of each timed flood (default 10: the whole suite takes about 2 minutes);
 * {@code --cp} runs the agent from a class path instead of this jar (the unit test's short form does).
 * Results: agent/RELIABILITY.md.
 */
public final class AttackSuite {
    static final ObjectMapper M = new ObjectMapper();
    static final List<String> UNIT_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC");
    static final List<String> EDGE_JVM = List.of("-Xms32m", "-Xmx192m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=2", "-Xss512k");
    /** systemd/edge.conf's settings. */
    static final List<String> EDGE_ARGS = List.of("--dwcp.inference.device=cpu", "--dwcp.inference.max-batch-size=16",
            "--dwcp.inference.intra-op-threads=1", "--dwcp.inference.inter-op-threads=1", "--dwcp.pipeline.max-drain=256",
            "--dwcp.pipeline.queue-capacity=8192", "--dwcp.windows.max-links=1000", "--dwcp.windows.max-nodes=1000",
            "--dwcp.pipeline.queue-max-bytes=8MiB", "--dwcp.windows.max-key-bytes=4MiB");

    /** One attack's result. */
    public record Row(String attack, String volume, String outcome, boolean counted, boolean ok, double heapMb,
                      double rssMb, double rssAnonMb) {}

    public static void main(String[] args) throws Exception {
        boolean edge = Arrays.asList(args).contains("--edge");
        int seconds = 10;
        String cp = Path.of(AttackSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--cp")) {
                cp = args[i + 1];
            }
        }
        List<Row> rows = run(cp, edge, seconds);
        System.out.println(table(rows, edge, seconds));
        System.exit(rows.stream().allMatch(Row::ok) ? 0 : 1);
    }

    /** Runs every attack against one agent process; a crashed agent fails the remaining rows. */
    public static List<Row> run(String classPath, boolean edge, int seconds) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (AttackTarget a = new AttackTarget(classPath, edge ? EDGE_JVM : UNIT_JVM, edge ? EDGE_ARGS : List.of());
             DatagramSocket out = new DatagramSocket()) {
            Random rnd = new Random(17);
            String pad = "x".repeat(30_000);

            // 1. Random datagrams: every one read or dropped by the kernel.
            double d0 = a.metric("dwcp_ingest_datagrams_total");
            double k0 = a.metric("dwcp_ingest_kernel_drops_total");
            int n = 20_000;
            byte[] buf = new byte[1400];
            for (int i = 0; i < n; i++) {
                rnd.nextBytes(buf);
                send(out, a, Arrays.copyOf(buf, 1 + rnd.nextInt(buf.length)));
                pace(i, 2000);
            }
            rows.add(accounted(a, "random datagrams", n + " × ≤1400 B", n, d0, k0));

            // 2. Distinct 30 KB ids (12,000 datagrams in the issue).
            rows.add(flood(a, out, "30 KB distinct ids", seconds, i -> "dwcp_link,node_id=" + i + pad + ",peer_id=" + pad + i
                    + " bandwidth_mbps=100,latency_ms=5"));
            // 3. One 30 KB id pair, again and again.
            rows.add(flood(a, out, "one 30 KB id pair", seconds, i -> "dwcp_link,node_id=" + pad + ",peer_id=" + pad
                    + " bandwidth_mbps=" + (100 + i % 50) + ",latency_ms=5"));
            // 4. 150k distinct short ids.
            rows.add(flood(a, out, "150k distinct ids", seconds, i -> {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < 40; j++) {
                    sb.append("dwcp_link,node_id=n").append((i * 40L + j) % 150_000).append(",peer_id=p bandwidth_mbps=100,latency_ms=5\n");
                }
                return sb.toString();
            }));
            // 5. Max-size datagrams.
            StringBuilder big = new StringBuilder("[");
            while (big.length() < 65_000) {
                big.append("{\"type\":\"link\",\"node_id\":\"").append("j".repeat(4000)).append(big.length())
                        .append("\",\"peer_id\":\"q\",\"bandwidth_mbps\":1,\"latency_ms\":1},");
            }
            big.setCharAt(big.length() - 1, ']');
            String maxJson = big.length() > 65_507 ? "[]" : big.toString();
            rows.add(flood(a, out, "65 KB JSON arrays", seconds, i -> maxJson));

            // 6. NaN: a valid transfer record with bandwidth 0 must stream a number.
            rows.add(nan(a, out));
            // 7. Too many clients: refused and counted, logged at most once per interval.
            rows.add(clients(a));
            // 8. Socket file deleted: back within 5 s.
            rows.add(socketDeleted(a));
            // 9. /metrics size after all of the above.
            int size = a.metrics().length();
            rows.add(new Row("/metrics size", "after the floods", size + " bytes", true, size < 512 * 1024 && a.healthy(),
                    a.heapMb(), a.rss(), a.rssAnon()));
        }
        return rows;
    }

    static void send(DatagramSocket out, AttackTarget a, byte[] b) throws IOException {
        out.send(new DatagramPacket(b, b.length, a.udp));
    }

    /** Sleeps 1 ms every {@code every} sends: loopback floods without starving the agent of CPU. */
    static void pace(long i, int every) {
        if (i % every == every - 1) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    static Row accounted(AttackTarget a, String attack, String volume, long sent, double d0, double k0) throws InterruptedException {
        double read = 0;
        double kernel = 0;
        for (int t = 0; t < 100; t++) {
            read = a.metric("dwcp_ingest_datagrams_total") - d0;
            kernel = a.metric("dwcp_ingest_kernel_drops_total") - k0;
            if (read + kernel >= sent) {
                break;
            }
            Thread.sleep(100);
        }
        boolean counted = read + kernel == sent;
        boolean alive = a.process.isAlive() && a.healthy();
        return new Row(attack, volume, (alive ? "healthy" : "DOWN/crashed") + String.format(Locale.ROOT,
                ", read %.0f, kernel drops %.0f", read, kernel), counted, alive && counted, a.heapMb(), a.rss(), a.rssAnon());
    }

    interface Lines {
        String line(long i);
    }

    static Row flood(AttackTarget a, DatagramSocket out, String attack, int seconds, Lines lines) throws Exception {
        double d0 = a.metric("dwcp_ingest_datagrams_total");
        double k0 = a.metric("dwcp_ingest_kernel_drops_total");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long i = 0;
        long bytes = 0;
        while (System.nanoTime() < end && a.process.isAlive()) {
            byte[] b = lines.line(i).getBytes(StandardCharsets.UTF_8);
            send(out, a, b);
            bytes += b.length;
            i++;
            pace(i, 20);
        }
        Row r = accounted(a, attack, String.format(Locale.ROOT, "%d datagrams, %.0f MB in %d s", i, bytes / 1e6, seconds), i, d0, k0);
        return r;
    }

    static Row nan(AttackTarget a, DatagramSocket out) throws Exception {
        // After the floods the record queue may still be full (a record sent now would be a counted queue_full):
        // wait for the pipeline to drain, then resend the record each second until its event arrives.
        for (int t = 0; t < 600 && a.metric("dwcp_pipeline_queue_depth") > 0; t++) {
            Thread.sleep(100);
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(a.sock));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try {
                    for (String l; (l = in.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException closed) {
                    // the connection closed
                }
            }, "attack-nan-reader");
            reader.setDaemon(true);
            reader.start();
            ByteBuffer req = ByteBuffer.wrap(("{\"id\":\"1\",\"method\":\"SelectCompression\",\"params\":{\"features\":[0,0,0,1,0,0]}}\n")
                    .getBytes(StandardCharsets.US_ASCII));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            boolean streamOk = false;
            boolean replyOk = false;
            boolean streamSeen = false;
            boolean replySeen = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long nextSend = 0;
            while ((!streamSeen || !replySeen) && System.nanoTime() < deadline) {
                if (!streamSeen && System.nanoTime() >= nextSend) {
                    send(out, a, ("dwcp_transfer,node_id=nan,peer_id=zero bandwidth_mbps=0,payload_bytes=1,entropy_bits_per_byte=0")
                            .getBytes(StandardCharsets.US_ASCII));
                    nextSend = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                JsonNode n = M.readTree(l);
                if ("compression_choice".equals(n.path("type").asText()) && "nan".equals(n.path("node_id").asText())) {
                    streamSeen = true;
                    streamOk = n.path("expected_gain").isNumber();
                } else if ("1".equals(n.path("id").asText())) {
                    replySeen = true;
                    replyOk = n.path("result").path("expected_gain").isNumber();
                }
            }
            double nonFinite = a.metric("dwcp_events_nonfinite_fields_total");
            return new Row("bandwidth 0 (NaN gain)", "transfer records + 1 request", "expected_gain a number: stream "
                    + (streamSeen ? streamOk : "not seen") + ", reply " + (replySeen ? replyOk : "not seen"), nonFinite == 0,
                    streamOk && replyOk && nonFinite == 0, a.heapMb(), a.rss(), a.rssAnon());
        }
    }

    static Row clients(AttackTarget a) throws Exception {
        double r0 = a.metric("dwcp_socket_connections_refused_total");
        double c0 = a.metric("dwcp_socket_connections_total");
        List<SocketChannel> open = new ArrayList<>();
        int extra = 36;
        int max = 64;
        try {
            for (int i = 0; i < max; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(a.sock));
                open.add(c);
            }
            Thread.sleep(500);
            for (int i = 0; i < extra; i++) {
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(a.sock));
                }
            }
            for (int i = 0; i < 2000; i++) { // churn beyond the cap
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(a.sock));
                }
            }
        } finally {
            for (SocketChannel c : open) {
                c.close();
            }
        }
        // Every connection is accepted or refused and counted (which of the two depends on when the server saw the
        // kept ones close); refusals are logged at most once per dwcp.socket.refused-log-interval.
        int attempts = max + extra + 2000;
        double refused = 0;
        double accepted = 0;
        for (int t = 0; t < 50 && refused + accepted < attempts; t++) {
            refused = a.metric("dwcp_socket_connections_refused_total") - r0;
            accepted = a.metric("dwcp_socket_connections_total") - c0;
            Thread.sleep(100);
        }
        long logLines = Files.readAllLines(a.dir.resolve("agent.log")).stream().filter(l -> l.contains("refusing socket client")).count();
        boolean counted = refused + accepted == attempts;
        boolean ok = counted && refused >= extra && logLines <= 2 && a.healthy();
        return new Row("clients beyond max-clients", attempts + " connections (" + max + " held open)", String.format(Locale.ROOT,
                "accepted %.0f, refused %.0f, %d log lines", accepted, refused, logLines), counted, ok, a.heapMb(), a.rss(), a.rssAnon());
    }

    static Row socketDeleted(AttackTarget a) throws Exception {
        Files.delete(a.sock);
        long t0 = System.nanoTime();
        while (!Files.exists(a.sock) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
            Thread.sleep(50);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        boolean back = Files.exists(a.sock);
        boolean connects = false;
        if (back) {
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                connects = c.connect(UnixDomainSocketAddress.of(a.sock));
            }
        }
        return new Row("socket file deleted", "1 delete", back ? String.format(Locale.ROOT, "recreated after %.1f s", s) : "not recreated",
                a.metric("dwcp_socket_recreated_total") >= 1, back && connects && s < 5 && a.healthy(), a.heapMb(), a.rss(), a.rssAnon());
    }

    public static String table(List<Row> rows, boolean edge, int seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# dwcp-agent attack suite (%s JVM options, %d s floods)%n",
                edge ? "edge drop-in" : "unit", seconds));
        sb.append("| attack | volume | outcome | counted | heap MB | RSS MB | anon RSS MB | result |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %.0f | %.0f | %s |%n", r.attack(), r.volume(),
                    r.outcome(), r.counted() ? "yes" : "NO", r.heapMb(), r.rssMb(), r.rssAnonMb(), r.ok() ? "ok" : "FAIL"));
        }
        return sb.toString();
    }
}

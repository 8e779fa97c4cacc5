package io.dwcp.agent.bench;

import static io.dwcp.agent.bench.Probe.freeTcpPort;
import static io.dwcp.agent.bench.Probe.freeUdpPort;
import static io.dwcp.agent.bench.Probe.javaBin;
import static io.dwcp.agent.bench.Probe.rssMb;
import static io.dwcp.agent.bench.Probe.scrape;
import static io.dwcp.agent.bench.Probe.sum;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent under attack. */
final class AttackTarget implements AutoCloseable {
    final Path dir;
    final Path sock;
    final int udpPort;
    final int httpPort;
    final Process process;
    final InetSocketAddress udp;

    AttackTarget(String classPath, List<String> jvm, List<String> args) throws Exception {
        dir = Files.createTempDirectory("dwcp-attack");
        sock = dir.resolve("agent.sock");
        udpPort = freeUdpPort();
        httpPort = freeTcpPort();
        udp = new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort);
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classPath, "io.dwcp.agent.Application", "run",
                "--dwcp.ingest.port=" + udpPort, "--micronaut.server.port=" + httpPort, "--dwcp.socket.path=" + sock,
                "--dwcp.socket.check-interval=1s"));
        cmd.addAll(args);
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
        b.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        process = b.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!healthy() && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(100);
        }
        if (!healthy()) {
            close();
            throw new IllegalStateException("agent did not start; see " + dir.resolve("agent.log"));
        }
    }

    boolean healthy() {
        try {
            var c = java.net.http.HttpClient.newHttpClient();
            return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/health"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    String metrics() {
        return scrape(httpPort);
    }

    double metric(String name) {
        return sum(metrics(), name);
    }

    double heapMb() {
        String m = metrics();
        double used = 0;
        for (String l : m.split("\n")) {
            if (l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\"")) {
                used += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return used / (1 << 20);
    }

    double rss() {
        try {
            return rssMb(process.pid(), "VmRSS:");
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Anonymous RSS: heap, native allocations, JIT; not the mapped library files (TensorFlow's are ~0.4 GB). */
    double rssAnon() {
        try {
            return rssMb(process.pid(), "RssAnon:");
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(25, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

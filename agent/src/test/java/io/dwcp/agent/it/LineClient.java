package io.dwcp.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Test client of the agent socket: writes request lines, collects every line read. */
final class LineClient implements AutoCloseable {
    static final ObjectMapper M = new ObjectMapper();
    final SocketChannel ch;
    final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    LineClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        reader = new Thread(() -> {
            try {
                for (String l; (l = in.readLine()) != null; ) {
                    lines.add(M.readTree(l));
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    void send(String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** The first line matching, waiting up to the timeout; lines before it that do not match are kept. */
    JsonNode await(Predicate<JsonNode> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        java.util.List<JsonNode> skipped = new java.util.ArrayList<>();
        try {
            while (System.nanoTime() < end) {
                JsonNode n = lines.poll(50, TimeUnit.MILLISECONDS);
                if (n != null) {
                    if (p.test(n)) {
                        return n;
                    }
                    skipped.add(n);
                }
            }
            throw new AssertionError("no matching line within " + timeout + "; saw " + skipped.size() + " others"
                    + (skipped.isEmpty() ? "" : ", last " + skipped.get(skipped.size() - 1)));
        } finally {
            lines.addAll(skipped);
        }
    }

    JsonNode reply(String id) throws InterruptedException {
        return await(n -> id.equals(n.path("id").asText(null)), Duration.ofSeconds(10));
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}

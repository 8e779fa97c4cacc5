package io.dwcp.agent.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The floor under {@link LoadGenerator}'s latency figures on a given machine (issue 16): the least an agent can do
 * between a datagram and its event. It reads link samples over UDP, counts them per link, and from a link's 10th
 * sample on writes one {@code bandwidth_prediction} line (the fields the generator reads, no model) to the
 * subscribed Unix-socket client. With {@code --dwcp.echo.threads=1} the UDP thread writes the line itself (the sample
 * wakes two threads: this one and the generator's reader); with 2 it hands the line to a writer thread, one wake
 * more, as the agent's pipeline does at each stage. Run it in place of the agent in the same run:
 * {@code java -Ddwcp.load.main=io.dwcp.agent.bench.EchoPeer -cp <jar> io.dwcp.agent.bench.LoadGenerator ...
 * [--dwcp.echo.threads=2]}.
 */
public final class EchoPeer {
    private EchoPeer() {}

    public static void main(String[] args) throws Exception {
        int udpPort = 0;
        Path sock = null;
        int threads = 1;
        for (String a : args) {
            if (a.startsWith("--dwcp.ingest.port=")) {
                udpPort = Integer.parseInt(a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("--dwcp.socket.path=")) {
                sock = Path.of(a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("--dwcp.echo.threads=")) {
                threads = Integer.parseInt(a.substring(a.indexOf('=') + 1));
            }
        }
        if (udpPort == 0 || sock == null || threads < 1 || threads > 2) {
            throw new IllegalArgumentException("needs --dwcp.ingest.port, --dwcp.socket.path, --dwcp.echo.threads=1|2");
        }
        DatagramChannel udp = DatagramChannel.open();
        udp.bind(new InetSocketAddress("127.0.0.1", udpPort));
        Files.deleteIfExists(sock);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        SocketChannel client = server.accept();
        ArrayBlockingQueue<byte[]> handoff = new ArrayBlockingQueue<>(1 << 16);
        if (threads == 2) {
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        write(client, handoff.take());
                    }
                } catch (InterruptedException | IOException e) {
                    System.exit(0);
                }
            }, "echo-writer");
            writer.setDaemon(true);
            writer.start();
        }
        Map<String, int[]> seen = new HashMap<>();
        ByteBuffer in = ByteBuffer.allocateDirect(65_536);
        byte[] bytes = new byte[65_536];
        while (true) {
            in.clear();
            udp.receive(in);
            in.flip();
            int n = in.remaining();
            in.get(bytes, 0, n);
            String line = new String(bytes, 0, n, StandardCharsets.US_ASCII);
            int p = line.indexOf("peer_id=");
            int sp = line.indexOf(' ', p);
            String peer = line.substring(p + 8, sp);
            long nanos = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
            int[] count = seen.computeIfAbsent(peer, k -> new int[1]);
            if (++count[0] < 10) {
                continue;
            }
            byte[] event = ("{\"v\":1,\"type\":\"bandwidth_prediction\",\"peer_id\":\"" + peer + "\",\"sample_timestamp\":\""
                    + Instant.ofEpochMilli(nanos / 1_000_000) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
            if (threads == 1) {
                write(client, event);
            } else if (!handoff.offer(event)) {
                System.err.println("echo: handoff full, event dropped");
            }
        }
    }

    private static void write(SocketChannel client, byte[] event) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(event);
        while (b.hasRemaining()) {
            client.write(b);
        }
    }
}

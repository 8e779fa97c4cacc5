package io.dwcp.agent.demo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sends realistic DWCP metrics over UDP the way real senders do: link samples as InfluxDB line protocol
 * (as Telegraf would), node reliability, consensus and transfer context as JSON (as the Go node would).
 * Links follow a daily cycle (one simulated day per {@code dayTicks} ticks) around their link type's
 * baseline, with noise and occasional incidents: congestion on a link, a failure burst on a node, a
 * leader-election storm in consensus. Seeded, so a demo run is repeatable.
 *
 * <p>Not thread-safe; one sender thread calls {@link #tick}.
 */
public final class Simulator implements AutoCloseable {
    private static final String[] TYPES = {"dc", "metro", "wan", "edge"};
    private static final double[] BASE_MBPS = {9400, 2400, 850, 95};
    private static final double[] BASE_RTT = {0.4, 4, 45, 80};

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final SplittableRandom rnd;
    private final int links;
    private final int nodes;
    private final int dayTicks;
    private final int[] congestedUntil;
    private final int[] failingUntil;
    private final int[] stormUntil;
    private final double[] noise;
    private long tick;
    private long sent;

    public Simulator(InetSocketAddress target, int links, int nodes, long seed) throws IOException {
        this.socket = new DatagramSocket();
        this.target = target;
        this.rnd = new SplittableRandom(seed);
        this.links = links;
        this.nodes = nodes;
        this.dayTicks = 1440;
        this.congestedUntil = new int[links];
        this.failingUntil = new int[nodes];
        this.stormUntil = new int[nodes];
        this.noise = new double[links];
    }

    public long sent() {
        return sent;
    }

    static String node(int i) {
        return "node-" + (char) ('a' + i % 26) + (i >= 26 ? Integer.toString(i / 26) : "");
    }

    /** One step: a sample for every link, and node metrics every tick. */
    public void tick() throws IOException {
        tick++;
        double phase = 2 * Math.PI * (tick % dayTicks) / dayTicks;
        // Busy hours load links: the daily factor dips usable bandwidth by up to 35 %.
        double daily = 1 - 0.35 * Math.max(0, Math.sin(phase));
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        StringBuilder lp = new StringBuilder();
        for (int l = 0; l < links; l++) {
            int type = l % TYPES.length;
            if (congestedUntil[l] < tick && rnd.nextDouble() < 0.002) {
                congestedUntil[l] = (int) tick + 20 + rnd.nextInt(40);
            }
            boolean congested = congestedUntil[l] >= tick;
            noise[l] = 0.8 * noise[l] + 0.2 * rnd.nextGaussian();
            double bw = BASE_MBPS[type] * daily * (1 + 0.05 * noise[l]) * (congested ? 0.4 : 1);
            double rtt = BASE_RTT[type] * (1 + 0.1 * Math.abs(rnd.nextGaussian())) * (congested ? 3 : 1);
            double loss = Math.min(1, (congested ? 0.02 : 0.0005) * Math.abs(rnd.nextGaussian()));
            double jitter = rtt * (congested ? 0.3 : 0.05) * Math.abs(rnd.nextGaussian());
            lp.append(String.format(Locale.ROOT,
                    "dwcp_link,node_id=%s,peer_id=%s,link_type=%s bandwidth_mbps=%.3f,latency_ms=%.3f,packet_loss=%.6f,jitter_ms=%.3f %d%n",
                    node(l % nodes), "peer-" + l, TYPES[type], Math.max(0, bw), rtt, loss, jitter, nowNanos));
            if (tick % 5 == 0) {
                double entropy = 2 + 6 * ((l * 37 + tick / 5) % 10) / 10.0;
                send(String.format(Locale.ROOT,
                        "{\"type\":\"transfer\",\"node_id\":\"%s\",\"peer_id\":\"peer-%d\",\"bandwidth_mbps\":%.2f,"
                                + "\"rtt_ms\":%.2f,\"link_type\":\"%s\",\"payload_bytes\":%d,\"entropy_bits_per_byte\":%.2f,"
                                + "\"cpu_usage\":%.2f}",
                        node(l % nodes), l, Math.max(0.1, bw), rtt, TYPES[type], 64L << 20, entropy,
                        0.2 + 0.5 * rnd.nextDouble()));
            }
        }
        send(lp.toString());
        StringBuilder json = new StringBuilder("[");
        for (int n = 0; n < nodes; n++) {
            if (failingUntil[n] < tick && rnd.nextDouble() < 0.003) {
                failingUntil[n] = (int) tick + 5 + rnd.nextInt(10);
            }
            if (stormUntil[n] < tick && rnd.nextDouble() < 0.003) {
                stormUntil[n] = (int) tick + 5 + rnd.nextInt(10);
            }
            boolean failing = failingUntil[n] >= tick;
            boolean storm = stormUntil[n] >= tick;
            if (n > 0) {
                json.append(',');
            }
            json.append(String.format(Locale.ROOT,
                    "{\"type\":\"node\",\"node_id\":\"%s\",\"uptime_pct\":%.3f,\"failure_rate\":%.4f,\"packet_loss\":%.5f,"
                            + "\"retransmits\":%d,\"error_budget_burn_rate\":%.3f,\"rtt_ms\":%.3f,\"cpu_usage\":%.3f,"
                            + "\"memory_usage\":%.3f,\"error_rate\":%.5f}",
                    node(n), failing ? 97.0 : 99.99, failing ? 0.2 + 0.1 * rnd.nextDouble() : 0.001 * rnd.nextDouble(),
                    failing ? 0.03 : 0.0005 * rnd.nextDouble(), failing ? 400 + rnd.nextInt(200) : rnd.nextInt(10),
                    failing ? 8 + 2 * rnd.nextDouble() : 0.5 + 0.2 * rnd.nextDouble(), 20 + 3 * rnd.nextGaussian(),
                    failing ? 0.97 : 0.35 + 0.05 * rnd.nextGaussian(), 0.55 + 0.02 * rnd.nextGaussian(),
                    failing ? 0.08 : 0.001 * rnd.nextDouble()));
            json.append(',');
            double p50 = (storm ? 60 : 8) * (1 + 0.1 * rnd.nextGaussian());
            json.append(String.format(Locale.ROOT,
                    "{\"type\":\"consensus\",\"node_id\":\"%s\",\"queue_depth\":%d,\"proposals_pending\":%d,"
                            + "\"proposals_committed\":%d,\"latency_p50\":%.3f,\"latency_p95\":%.3f,\"latency_p99\":%.3f,"
                            + "\"leader_changes\":%d,\"quorum_size\":3,\"active_nodes\":5,\"network_tier\":\"wan\","
                            + "\"dwcp_mode\":\"normal\",\"consensus_type\":\"raft\"}",
                    node(n), (storm ? 400 : 20) + rnd.nextInt(10), (storm ? 150 : 5) + rnd.nextInt(5),
                    (storm ? 20 : 200) + rnd.nextInt(20), Math.abs(p50), Math.abs(p50) * 2.1, Math.abs(p50) * 3.5,
                    storm ? 3 + rnd.nextInt(3) : 0));
        }
        json.append(']');
        send(json.toString());
    }

    private void send(String payload) throws IOException {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, target));
        sent++;
    }

    @Override
    public void close() {
        socket.close();
    }
}

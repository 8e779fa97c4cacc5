package io.dwcp.agent.demo;

import io.dwcp.models.data.ConsensusSeries;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.NodeSeries;
import io.dwcp.models.data.SyntheticConsensus;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.data.SyntheticReliability;
import io.dwcp.models.data.SyntheticTransfers;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sends realistic DWCP metrics over UDP the way real senders do: link samples as InfluxDB line protocol
 * (as Telegraf would); node reliability, consensus and transfer context as JSON (as the Go node would).
 *
 * <p>The series come from the same documented generators the models were trained on ({@code
 * io.dwcp.models.data.Synthetic*}: daily cycles, DC/metro/WAN baselines, congestion episodes, node
 * incidents, leader-election storms, queue overflows, Byzantine behaviour), seeded with a seed training
 * never used, so the demo shows the models on data they did not see but that follows their documented
 * distributions. Link timestamps run in simulated time (60 s per step, starting a week ago, never ahead
 * of the clock) so time of day and day of week move as they would. When the simulator starts an incident it
 * says so on {@code log}, so a reader can check what the detectors report.
 *
 * <p>Not thread-safe; one sender thread calls {@link #tick}.
 */
public final class Simulator implements AutoCloseable {
    private static final long SEED = 4242;
    private static final int STEPS = 20_000;
    private static final int NODE_STEPS = 800;

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final SplittableRandom rnd = new SplittableRandom(SEED);
    private final List<LinkSeries> links;
    private final List<NodeSeries> nodes;
    private final List<ConsensusSeries> consensus;
    private final PrintStream log;
    private final long simStartMillis;
    private long tick;
    private long sent;

    public Simulator(InetSocketAddress target, int links, int nodes, PrintStream log) throws IOException {
        this.socket = new DatagramSocket();
        this.target = target;
        this.links = SyntheticLinks.generate(links, STEPS, SEED);
        // Node incidents are a few per series whatever its length: short node series (replayed in a loop) make
        // them show up within a minute of demo instead of once an hour.
        this.nodes = SyntheticReliability.generate(nodes, NODE_STEPS, SEED + 1);
        this.consensus = SyntheticConsensus.generate(nodes, STEPS, SEED + 2);
        this.log = log;
        this.simStartMillis = System.currentTimeMillis() - 7L * 24 * 3600 * 1000;
    }

    public long sent() {
        return sent;
    }

    static String node(int i) {
        return "node-" + (char) ('a' + i % 26) + (i >= 26 ? Integer.toString(i / 26) : "");
    }

    /** One step: a sample for every link and every node. */
    public void tick() throws IOException {
        int t = (int) (tick % STEPS);
        int prev = (int) ((tick + STEPS - 1) % STEPS);
        long ts = Math.min(System.currentTimeMillis(), simStartMillis + tick * (long) (SyntheticLinks.STEP_SECONDS * 1000));
        tick++;
        StringBuilder lp = new StringBuilder();
        for (int l = 0; l < links.size(); l++) {
            LinkSeries s = links.get(l);
            double[] r = s.rows()[t];
            String from = node(l % nodes.size());
            String to = "peer-" + l;
            if (s.congested()[t] && !s.congested()[prev] && log != null) {
                log.printf("SIMULATOR   congestion starts on %s->%s (%s link)%n", from, to, s.linkType().name().toLowerCase(Locale.ROOT));
            }
            lp.append(String.format(Locale.ROOT,
                    "dwcp_link,node_id=%s,peer_id=%s,link_type=%s bandwidth_mbps=%.3f,latency_ms=%.4f,packet_loss=%.7f,jitter_ms=%.4f %d%n",
                    from, to, s.linkType().name().toLowerCase(Locale.ROOT), r[0], r[1], r[2], r[3], ts * 1_000_000L));
            if (tick % 5 == 0) {
                // The context distribution is defined once in models (SyntheticTransfers), where the compression
                // model's evaluation draws it too (issue 15).
                double[] c = SyntheticTransfers.context(s, t, rnd);
                send(String.format(Locale.ROOT,
                        "{\"type\":\"transfer\",\"node_id\":\"%s\",\"peer_id\":\"%s\",\"bandwidth_mbps\":%.2f,"
                                + "\"rtt_ms\":%.3f,\"link_type\":\"%s\",\"payload_bytes\":%d,\"entropy_bits_per_byte\":%.2f,"
                                + "\"cpu_usage\":%.2f}",
                        from, to, c[0], c[1], s.linkType().name().toLowerCase(Locale.ROOT), (long) c[3], c[4], c[5]));
            }
        }
        send(lp.toString());
        StringBuilder json = new StringBuilder("[");
        for (int n = 0; n < nodes.size(); n++) {
            NodeSeries ns = nodes.get(n);
            int tn = t % NODE_STEPS;
            int pn = (tn + NODE_STEPS - 1) % NODE_STEPS;
            double[] r = ns.rows()[tn];
            if (ns.incident()[tn] && !ns.incident()[pn] && log != null) {
                log.printf("SIMULATOR   incident starts on %s: %s%n", node(n), ns.kind()[tn]);
            }
            if (n > 0) {
                json.append(',');
            }
            json.append(String.format(Locale.ROOT,
                    "{\"type\":\"node\",\"node_id\":\"%s\",\"uptime_pct\":%.4f,\"failure_rate\":%.6f,\"packet_loss\":%.7f,"
                            + "\"retransmits\":%.0f,\"error_budget_burn_rate\":%.4f,\"rtt_ms\":%.4f,\"cpu_usage\":%.4f,"
                            + "\"memory_usage\":%.4f,\"error_rate\":%.6f}",
                    node(n), r[0], r[1], r[2], r[3], r[4], r[5], clamp01(r[6]), clamp01(r[7]), clamp01(r[8])));
            ConsensusSeries cs = consensus.get(n);
            double[] c = cs.rows()[t];
            if (cs.anomalous(t) && !cs.anomalous(prev) && log != null) {
                log.printf("SIMULATOR   consensus anomaly starts on %s: %s%n", node(n), cs.anomaly()[t]);
            }
            json.append(String.format(Locale.ROOT,
                    ",{\"type\":\"consensus\",\"node_id\":\"%s\",\"queue_depth\":%.0f,\"proposals_pending\":%.0f,"
                            + "\"proposals_committed\":%.0f,\"latency_p50\":%.4f,\"latency_p95\":%.4f,\"latency_p99\":%.4f,"
                            + "\"leader_changes\":%.0f,\"quorum_size\":%.0f,\"active_nodes\":%.0f,\"network_tier\":%.0f,"
                            + "\"dwcp_mode\":%.0f,\"consensus_type\":%.0f}",
                    node(n), c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]));
        }
        json.append(']');
        send(json.toString());
    }

    private static double clamp01(double x) {
        return Math.max(0, Math.min(1, x));
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

package io.dwcp.agent.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.protocol.EventCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for the Go process: connects to the agent's socket and prints what arrives, one readable
 * line per event. Bandwidth and compression events are shown at most once per link every few seconds
 * (they arrive per sample); anomalies are always shown. Also the reference reader in PROTOCOL.md terms:
 * newline-delimited JSON, dispatch on {@code type}.
 */
public final class PrintingReader implements Runnable, AutoCloseable {
    private final Path socketPath;
    private final PrintStream out;
    private final Map<String, Long> lastShown = new HashMap<>();
    private volatile SocketChannel channel;
    private volatile boolean closed;

    public PrintingReader(Path socketPath, PrintStream out) {
        this.socketPath = socketPath;
        this.out = out;
    }

    @Override
    public void run() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel = ch;
            ch.connect(UnixDomainSocketAddress.of(socketPath));
            out.println("reader: connected to " + socketPath);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                print(EventCodec.MAPPER.readTree(line));
            }
        } catch (IOException e) {
            if (!closed) {
                out.println("reader: " + e);
            }
        }
    }

    private void print(JsonNode e) {
        String type = e.path("type").asText();
        long now = System.currentTimeMillis();
        switch (type) {
            case "bandwidth_prediction" -> {
                if (throttled(type + e.path("node_id").asText() + e.path("peer_id").asText(), now)) {
                    return;
                }
                String interval = e.hasNonNull("lower_bandwidth_mbps")
                        ? String.format(Locale.ROOT, " (%.0f%% in %.1f..%.1f)", 100 * e.path("interval_coverage").asDouble(),
                                e.path("lower_bandwidth_mbps").asDouble(), e.path("upper_bandwidth_mbps").asDouble())
                        : "";
                String err = e.hasNonNull("recent_mape") ? String.format(Locale.ROOT, ", recent MAPE %.1f%%",
                        e.path("recent_mape").asDouble()) : "";
                out.printf(Locale.ROOT, "bandwidth   %s->%s  next %.1f Mbps%s  rtt %.2f ms  loss %.4f  jitter %.2f ms  conf %.2f"
                                + "  served by %s%s  [%s]%n",
                        e.path("node_id").asText(), e.path("peer_id").asText(), e.path("predicted_bandwidth_mbps").asDouble(),
                        interval, e.path("predicted_latency_ms").asDouble(), e.path("predicted_packet_loss").asDouble(),
                        e.path("predicted_jitter_ms").asDouble(), e.path("confidence").asDouble(),
                        e.path("source").asText("model"), err, e.path("model_version").asText());
            }
            case "compression_choice" -> {
                if (throttled(type + e.path("node_id").asText() + e.path("peer_id").asText(), now)) {
                    return;
                }
                out.printf(Locale.ROOT, "compression %s->%s  %s level %d  expected gain %.0f%%  chosen by %s  [%s]%n",
                        e.path("node_id").asText(), e.path("peer_id").asText(), e.path("codec_name").asText(),
                        e.path("level").asInt(), 100 * e.path("expected_gain").asDouble(), e.path("source").asText("model"),
                        e.path("model_version").asText());
            }
            case "transfer_recommendation" -> {
                if (throttled(type + e.path("node_id").asText() + e.path("peer_id").asText(), now)) {
                    return;
                }
                out.printf(Locale.ROOT, "transfer    %s->%s  %d stream(s) x %.0f KiB buffer (BDP %.0f KiB, limited by %s)%s  conf %.2f%n",
                        e.path("node_id").asText(), e.path("peer_id").asText(), e.path("parallel_streams").asInt(),
                        e.path("socket_buffer_bytes").asDouble() / 1024, e.path("bdp_bytes").asDouble() / 1024,
                        e.path("limited_by").asText(),
                        e.has("compression_codec") ? "  codec " + e.path("compression_codec").asText() : "",
                        e.path("confidence").asDouble());
            }
            case "anomaly" -> out.printf(Locale.ROOT, "ANOMALY     %s  %s = %.4g (expected %.4g, deviation %.1f)  %s  [%s]%n",
                    e.path("node_id").asText(), e.path("metric_name").asText(), e.path("value").asDouble(),
                    e.path("expected").asDouble(), e.path("deviation").asDouble(),
                    e.path("severity").asText().toUpperCase(Locale.ROOT), e.path("model_type").asText());
            case "latency_anomaly" -> {
                String top = "";
                double best = -1;
                for (var it = e.path("contributions").fields(); it.hasNext(); ) {
                    var f = it.next();
                    if (f.getValue().asDouble() > best) {
                        best = f.getValue().asDouble();
                        top = f.getKey();
                    }
                }
                out.printf(Locale.ROOT, "LATENCY     %s  error %.2f / threshold %.2f  %s  top feature %s (%.0f%%)  [%s]%n",
                        e.path("node_id").asText(), e.path("reconstruction_error").asDouble(), e.path("threshold").asDouble(),
                        e.path("severity").asText().toUpperCase(Locale.ROOT), top, 100 * best, e.path("model_version").asText());
            }
            case "degradation_forecast" -> {
                if (throttled(type + e.path("node_id").asText() + e.path("peer_id").asText(), now)) {
                    return;
                }
                var f = e.path("forecast_throughput_mbps");
                var l = e.path("forecast_latency_ms");
                int h = f.size() - 1;
                out.printf(Locale.ROOT, "%s %s->%s  P(SLO breach in %d steps) %.3f (warn at %.2f)  in %d steps: %.1f Mbps,"
                                + " %.1f ms  [%s]%n", e.path("is_degrading").asBoolean() ? "DEGRADING  " : "degradation",
                        e.path("node_id").asText(), e.path("peer_id").asText(), e.path("horizon_steps").asInt(),
                        e.path("probability").asDouble(), e.path("threshold").asDouble(), h + 1,
                        h >= 0 ? f.get(h).asDouble() : Double.NaN, h >= 0 ? l.get(h).asDouble() : Double.NaN,
                        e.path("model_version").asText());
            }
            case "prediction_error" -> out.printf(Locale.ROOT, "lost        %s prediction for %s%s: %s (%s)%n",
                    e.path("model").asText(), e.path("node_id").asText(),
                    e.hasNonNull("peer_id") ? "->" + e.path("peer_id").asText() : "", e.path("reason").asText(),
                    e.path("message").asText());
            // A kind this reader does not know yet (a newer agent, a registered model): its type and fields.
            default -> out.printf(Locale.ROOT, "%-11s %s%n", type, e);
        }
    }

    private boolean throttled(String key, long now) {
        Long last = lastShown.get(key);
        if (last != null && now - last < 3000) {
            return true;
        }
        lastShown.put(key, now);
        return false;
    }

    @Override
    public void close() {
        closed = true;
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

package io.dwcp.agent.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The agent's effective configuration: immutable, validated at construction, read once at start.
 *
 * <p>We read keys ourselves instead of binding {@code @ConfigurationProperties} so that every rejection
 * names the exact key and value (bean-validation messages name neither reliably), and so the same
 * object is built in unit tests from a plain map. Keys live under {@code dwcp.}; see README
 * "Configuration" for the table.
 */
public record AgentConfig(
        Ingest ingest,
        Windows windows,
        Socket socket,
        Pipeline pipeline,
        Inference inference,
        Demo demo) {

    /** UDP listener. */
    public record Ingest(String host, int port, int receiveBufferBytes, int maxDatagramBytes,
                         Duration maxFutureSkew, Duration rejectLogInterval, boolean allowNonLoopback) {}

    /** Window sizes and bounds on how many links/nodes are tracked. */
    public record Windows(int bandwidthLength, int latencyLength, int maxLinks, int maxNodes, Duration idleEviction) {}

    /** Unix-socket sink. */
    public record Socket(Path path, int clientBufferEvents, int maxRequestBytes, int maxInFlightPerClient,
                         int writeLowWatermark, int writeHighWatermark, int maxClients, int backlogEvents,
                         int backlogClients) {}

    /** Hand-off from the I/O loop to the prediction worker. */
    public record Pipeline(int queueCapacity, int maxDrain) {}

    /**
     * Model serving: device choice, dynamic batching, TensorFlow threads, where models live.
     *
     * @param modelsDir null = the models embedded in the jar
     */
    public record Inference(String device, int maxBatchSize, long maxQueueDelayMicros, int queueCapacity,
                            int intraOpThreads, int interOpThreads, Path modelsDir, boolean watchModels,
                            Duration gpuRetryInitial, Duration gpuRetryMax) {}

    /** Built-in simulator and printing reader. */
    public record Demo(boolean enabled, int links, int nodes, int ratePerSecond, boolean print, Duration duration) {}

    /** Builds and validates from any key lookup (Micronaut's environment or a test map). */
    public static AgentConfig from(Function<String, Optional<String>> lookup) {
        Reader r = new Reader(lookup);
        String host = r.string("dwcp.ingest.host", "127.0.0.1");
        boolean allowNonLoopback = r.bool("dwcp.ingest.allow-non-loopback", false);
        checkLoopback("dwcp.ingest.host", host, allowNonLoopback);
        Ingest ingest = new Ingest(
                host,
                r.intIn("dwcp.ingest.port", 8094, 0, 65535),
                r.intIn("dwcp.ingest.receive-buffer-bytes", 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
                r.intIn("dwcp.ingest.max-datagram-bytes", 65_507, 512, 65_507),
                r.duration("dwcp.ingest.max-future-skew", Duration.ofMinutes(5)),
                r.duration("dwcp.ingest.reject-log-interval", Duration.ofSeconds(10)),
                allowNonLoopback);
        Windows windows = new Windows(
                r.intIn("dwcp.windows.bandwidth-length", 10, 1, 1024),
                r.intIn("dwcp.windows.latency-length", 30, 1, 1024),
                r.intIn("dwcp.windows.max-links", 10_000, 1, 1_000_000),
                r.intIn("dwcp.windows.max-nodes", 10_000, 1, 1_000_000),
                r.duration("dwcp.windows.idle-eviction", Duration.ofMinutes(10)));
        int low = r.intIn("dwcp.socket.write-low-watermark", 32 * 1024, 1024, 64 * 1024 * 1024);
        int high = r.intIn("dwcp.socket.write-high-watermark", 256 * 1024, 1024, 64 * 1024 * 1024);
        if (high <= low) {
            throw new ConfigException("dwcp.socket.write-high-watermark", high,
                    "must be greater than dwcp.socket.write-low-watermark (" + low + ")");
        }
        Socket socket = new Socket(
                r.path("dwcp.socket.path", Path.of("/run/dwcp-agent/agent.sock")),
                r.intIn("dwcp.socket.client-buffer-events", 4096, 1, 1_000_000),
                r.intIn("dwcp.socket.max-request-bytes", 64 * 1024, 256, 16 * 1024 * 1024),
                r.intIn("dwcp.socket.max-in-flight-per-client", 256, 1, 65_536),
                low, high,
                r.intIn("dwcp.socket.max-clients", 64, 1, 4096),
                r.intIn("dwcp.socket.backlog-events", 4096, 0, 1_000_000),
                r.intIn("dwcp.socket.backlog-clients", 8, 1, 4096));
        Pipeline pipeline = new Pipeline(
                r.intIn("dwcp.pipeline.queue-capacity", 65_536, 16, 16 * 1024 * 1024),
                r.intIn("dwcp.pipeline.max-drain", 1024, 1, 65_536));
        String device = r.string("dwcp.inference.device", "auto").toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("auto", "gpu", "cpu").contains(device)) {
            throw new ConfigException("dwcp.inference.device", device, "must be one of auto, gpu, cpu");
        }
        Inference inference = new Inference(
                device,
                r.intIn("dwcp.inference.max-batch-size", 64, 1, 65_536),
                r.intIn("dwcp.inference.max-queue-delay-micros", 500, 0, 10_000_000),
                r.intIn("dwcp.inference.queue-capacity", 16_384, 1, 16 * 1024 * 1024),
                r.intIn("dwcp.inference.intra-op-threads", 1, 0, 1024),
                r.intIn("dwcp.inference.inter-op-threads", 1, 0, 1024),
                r.optionalPath("dwcp.inference.models-dir"),
                r.bool("dwcp.inference.watch-models", true),
                r.duration("dwcp.inference.gpu-retry-initial", Duration.ofSeconds(1)),
                r.duration("dwcp.inference.gpu-retry-max", Duration.ofMinutes(5)));
        Demo demo = new Demo(
                r.bool("dwcp.demo.enabled", false),
                r.intIn("dwcp.demo.links", 6, 1, 100_000),
                r.intIn("dwcp.demo.nodes", 3, 1, 100_000),
                r.intIn("dwcp.demo.rate-per-second", 20, 1, 1_000_000),
                r.bool("dwcp.demo.print", true),
                r.duration("dwcp.demo.duration", Duration.ZERO));
        return new AgentConfig(ingest, windows, socket, pipeline, inference, demo);
    }

    private static void checkLoopback(String key, String host, boolean allowed) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, host, "not a resolvable address");
        }
        if (!addr.isLoopbackAddress() && !allowed) {
            throw new ConfigException(key, host,
                    "not a loopback address; set dwcp.ingest.allow-non-loopback=true to listen beyond this host");
        }
    }

    /** Flat key → value view, logged once at start. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dwcp.ingest", ingest);
        m.put("dwcp.windows", windows);
        m.put("dwcp.socket", socket);
        m.put("dwcp.pipeline", pipeline);
        m.put("dwcp.inference", inference);
        m.put("dwcp.demo", demo);
        return m;
    }

    private record Reader(Function<String, Optional<String>> lookup) {
        String string(String key, String def) {
            String v = lookup.apply(key).map(String::trim).orElse(def);
            if (v.isEmpty()) {
                throw new ConfigException(key, "\"\"", "must not be empty");
            }
            return v;
        }

        int intIn(String key, int def, int min, int max) {
            Optional<String> raw = lookup.apply(key);
            if (raw.isEmpty()) {
                return def;
            }
            String s = raw.get().trim();
            long v;
            try {
                v = Long.parseLong(s.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, s, "not an integer");
            }
            if (v < min || v > max) {
                throw new ConfigException(key, s, "must be between " + min + " and " + max);
            }
            return (int) v;
        }

        boolean bool(String key, boolean def) {
            Optional<String> raw = lookup.apply(key);
            if (raw.isEmpty()) {
                return def;
            }
            String s = raw.get().trim().toLowerCase(java.util.Locale.ROOT);
            return switch (s) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new ConfigException(key, raw.get(), "not a boolean (true/false)");
            };
        }

        Duration duration(String key, Duration def) {
            Optional<String> raw = lookup.apply(key);
            if (raw.isEmpty()) {
                return def;
            }
            String s = raw.get().trim();
            Duration d = Durations.parse(s).orElseThrow(
                    () -> new ConfigException(key, s, "not a duration (e.g. 500ms, 10s, 5m, 1h)"));
            if (d.isNegative()) {
                throw new ConfigException(key, s, "must not be negative");
            }
            return d;
        }

        Path optionalPath(String key) {
            Optional<String> raw = lookup.apply(key);
            if (raw.isEmpty() || raw.get().isBlank()) {
                return null;
            }
            Path p = Path.of(raw.get().trim());
            if (!p.isAbsolute()) {
                throw new ConfigException(key, raw.get(), "must be an absolute path");
            }
            return p;
        }

        Path path(String key, Path def) {
            Optional<String> raw = lookup.apply(key);
            if (raw.isEmpty()) {
                return def;
            }
            String s = raw.get().trim();
            if (s.isEmpty()) {
                throw new ConfigException(key, "\"\"", "must not be empty");
            }
            Path p = Path.of(s);
            if (!p.isAbsolute()) {
                throw new ConfigException(key, s, "must be an absolute path");
            }
            // sun_path is 108 bytes on Linux including the terminator.
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
                throw new ConfigException(key, s, "longer than the 107 bytes a Unix socket path may have");
            }
            return p;
        }
    }
}

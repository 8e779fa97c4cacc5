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
        Demo demo,
        Recommend recommend,
        History history,
        Shadow shadow,
        Degradation degradation,
        Forecast forecast,
        Metrics metrics,
        CodecProfile codecProfile,
        Scheduling scheduling) {

    /**
     * The host codec profile (issue 15): learnt from {@code dwcp_transfer_outcome} records when {@code learn}, kept in
     * {@code stateDir}/codec-profile.json ({@code stateDir} null: in memory only) and written at most every
     * {@code saveInterval}; seeded on first start by a micro-benchmark of at most {@code benchBudget} when
     * {@code benchOnStart}. A served codec whose time under the host profile exceeds the oracle's by more than
     * {@code maxRegret} (a fraction of the oracle's time) is replaced by the oracle's.
     */
    public record CodecProfile(boolean learn, Path stateDir, boolean benchOnStart, Duration benchBudget,
                               double maxRegret, Duration saveInterval) {
        /** Where the profile is kept, or null when it is not persisted. */
        public Path file() {
            return stateDir == null ? null : stateDir.resolve("codec-profile.json");
        }
    }

    /**
     * Bandwidth forecasts as served (issue 14): the central coverage of the calibrated interval on each
     * forecast ({@code dwcp.forecast.interval-coverage}, 0.8 = p10–p90).
     */
    public record Forecast(double intervalCoverage) {}

    /**
     * UDP listener and the bounds on what it decodes, in bytes (issue 17): the longest name or id (measurement, tag
     * key or value, field key; {@code id_too_long} beyond), the longest string field value ({@code string_too_long}),
     * and the most a gzip datagram may inflate to ({@code inflated_oversized}).
     */
    public record Ingest(String host, int port, int receiveBufferBytes, int maxDatagramBytes,
                         Duration maxFutureSkew, Duration rejectLogInterval, boolean allowNonLoopback,
                         int maxIdBytes, int maxStringBytes, int maxInflatedBytes) {}

    /**
     * Window sizes and bounds on how many links/nodes are tracked: by count, and by the bytes of their keys per
     * window store ({@code maxKeyBytes}; ids vary in length, issue 17 item 1).
     */
    public record Windows(int bandwidthLength, int latencyLength, int maxLinks, int maxNodes, Duration idleEviction,
                          long maxKeyBytes) {}

    /**
     * Unix-socket sink. {@code checkInterval}: how often the socket file is checked (and recreated when it was
     * removed); {@code refusedLogInterval}: at most one log line per interval about refused connections.
     */
    public record Socket(Path path, int clientBufferEvents, int maxRequestBytes, int maxInFlightPerClient,
                         int writeLowWatermark, int writeHighWatermark, int maxClients, int backlogEvents,
                         int backlogClients, Duration checkInterval, Duration refusedLogInterval) {}

    /**
     * Hand-off from the I/O loop to the prediction worker, bounded by count and by the estimated bytes of the
     * records waiting ({@code queueMaxBytes}; records carry ids of any length, issue 17 item 1).
     */
    public record Pipeline(int queueCapacity, int maxDrain, long queueMaxBytes) {}

    /**
     * Model serving: device choice, dynamic batching, TensorFlow threads, where models live.
     *
     * @param modelsDir null = the models embedded in the jar
     */
    public record Inference(Device device, int maxBatchSize, long maxQueueDelayMicros, int queueCapacity, Duration maxInputAge,
                            int intraOpThreads, int interOpThreads, Path modelsDir, boolean watchModels,
                            Duration gpuRetryInitial, Duration gpuRetryMax, boolean fusedLstm) {}

    /** Transfer recommendations from the bandwidth forecasts (stream count, socket buffer). */
    public record Recommend(boolean enabled, io.dwcp.agent.predict.TransferAdvisor.Settings settings) {}

    /**
     * Recording of ingested features for retraining (issue 8): rolling files in {@code dir}, each closed at
     * {@code fileBytes} or {@code fileInterval}; the oldest deleted beyond {@code maxBytes} in all or
     * {@code retention} of age. {@code dir} is null when disabled.
     */
    public record History(boolean enabled, Path dir, long maxBytes, long fileBytes, Duration fileInterval,
                          Duration retention, int queueCapacity, Duration flushInterval) {}

    /**
     * Shadow evaluation of a retrained forecaster (issue 8): a {@code candidate} under the models directory
     * is run beside the active model for {@code period}; promoted when its live MAPE is below the active
     * one's times {@code (1 - margin)} over at least {@code minSamples} compared forecasts, else discarded.
     */
    public record Shadow(boolean enabled, Duration period, double margin, int minSamples, int queueCapacity,
                         Duration poll) {}

    /**
     * Degradation forecaster on every link: its window length (the model's, 60), the SLO judged (latency
     * ceiling ms, throughput floor Mbit/s, error-rate ceiling as packet loss), and how often a link's
     * {@code degradation_forecast} is streamed: whenever its warning turns on or off, and every
     * {@code streamEvery} forecasts in between (0 = only on changes). A link is forecast on its first full
     * window and then on every {@code every}-th sample: the 60-step network costs ~10× the bandwidth
     * forecaster per input, and its 30-step horizon does not need a fresh verdict per sample.
     */
    public record Degradation(boolean enabled, int windowLength, double sloLatencyMs, double sloThroughputMbps,
                              double sloErrorRate, int streamEvery, int every) {
        public io.dwcp.models.data.DegradationSeries.Slo slo() {
            return new io.dwcp.models.data.DegradationSeries.Slo(sloLatencyMs, sloThroughputMbps, sloErrorRate);
        }
    }

    /**
     * Prometheus series: at most {@code maxLinkSeries} per-link series per metric (the links with the highest
     * error), each label at most {@code maxLabelChars} characters; the rest are in the all-links aggregates.
     */
    public record Metrics(int maxLinkSeries, int maxLabelChars) {}

    /**
     * Per-thread scheduling (issue 16). {@code latencySliceMicros}: the EEVDF slice asked for the threads a sample's
     * forecast crosses (UDP loop, pipeline, latency-sensitive models' batchers, socket loop), 0 = leave them at the
     * kernel's default; {@code jitNice}: the nice value given to the JIT's compiler threads, 0 = unchanged.
     */
    public record Scheduling(int latencySliceMicros, int jitNice) {}

    /** Built-in simulator and printing reader. */
    public record Demo(boolean enabled, int links, int nodes, int ratePerSecond, boolean print, Duration duration) {}

    /** Builds and validates from any key lookup (Micronaut's environment or a test map). */
    public static AgentConfig from(Function<String, Optional<String>> lookup) {
        ConfigReader r = new ConfigReader(lookup);
        String host = r.string("dwcp.ingest.host", "127.0.0.1");
        boolean allowNonLoopback = r.bool("dwcp.ingest.allow-non-loopback", false);
        checkLoopback("dwcp.ingest.host", host, allowNonLoopback, "dwcp.ingest.allow-non-loopback");
        // Management HTTP (Micronaut's key): /metrics tells who talks to whom and how fast, so it stays on this host
        // unless the operator says otherwise, like ingest.
        checkLoopback("micronaut.server.host", r.string("micronaut.server.host", "127.0.0.1"),
                r.bool("dwcp.management.allow-non-loopback", false), "dwcp.management.allow-non-loopback");
        Ingest ingest = new Ingest(
                host,
                r.intIn("dwcp.ingest.port", 8094, 0, 65535),
                r.intIn("dwcp.ingest.receive-buffer-bytes", 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
                r.intIn("dwcp.ingest.max-datagram-bytes", 65_507, 512, 65_507),
                r.duration("dwcp.ingest.max-future-skew", Duration.ofMinutes(5)),
                r.duration("dwcp.ingest.reject-log-interval", Duration.ofSeconds(10)),
                allowNonLoopback,
                r.intIn("dwcp.ingest.max-id-bytes", 256, 16, 16_384),
                r.intIn("dwcp.ingest.max-string-bytes", 1024, 16, 65_507),
                (int) r.bytes("dwcp.ingest.max-inflated-bytes", 1L << 20, 65_507, 64L << 20));
        Windows windows = new Windows(
                r.intIn("dwcp.windows.bandwidth-length", 10, 1, 1024),
                r.intIn("dwcp.windows.latency-length", 30, 1, 1024),
                r.intIn("dwcp.windows.max-links", 10_000, 1, 1_000_000),
                r.intIn("dwcp.windows.max-nodes", 10_000, 1, 1_000_000),
                r.duration("dwcp.windows.idle-eviction", Duration.ofMinutes(10)),
                r.bytes("dwcp.windows.max-key-bytes", 16L << 20, 64L << 10, 1L << 32));
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
                r.intIn("dwcp.socket.backlog-clients", 8, 1, 4096),
                r.durationIn("dwcp.socket.check-interval", Duration.ofSeconds(1), Duration.ofMillis(100),
                        Duration.ofSeconds(5)),
                r.durationIn("dwcp.socket.refused-log-interval", Duration.ofSeconds(10), Duration.ofMillis(100),
                        Duration.ofHours(1)));
        Pipeline pipeline = new Pipeline(
                r.intIn("dwcp.pipeline.queue-capacity", 65_536, 16, 16 * 1024 * 1024),
                r.intIn("dwcp.pipeline.max-drain", 1024, 1, 65_536),
                r.bytes("dwcp.pipeline.queue-max-bytes", 32L << 20, 1L << 20, 1L << 32));
        String device = r.string("dwcp.inference.device", "auto").toLowerCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("auto", "gpu", "cpu").contains(device)) {
            throw new ConfigException("dwcp.inference.device", device, "must be one of auto, gpu, cpu");
        }
        Inference inference = new Inference(
                Device.parse(device),
                r.intIn("dwcp.inference.max-batch-size", 64, 1, 65_536),
                r.intIn("dwcp.inference.max-queue-delay-micros", 500, 0, 10_000_000),
                r.intIn("dwcp.inference.queue-capacity", 16_384, 1, 16 * 1024 * 1024),
                r.duration("dwcp.inference.max-input-age", Duration.ofSeconds(1)),
                r.intIn("dwcp.inference.intra-op-threads", 1, 0, 1024),
                r.intIn("dwcp.inference.inter-op-threads", 1, 0, 1024),
                r.optionalPath("dwcp.inference.models-dir"),
                r.bool("dwcp.inference.watch-models", true),
                r.duration("dwcp.inference.gpu-retry-initial", Duration.ofSeconds(1)),
                r.duration("dwcp.inference.gpu-retry-max", Duration.ofMinutes(5)),
                r.bool("dwcp.inference.fused-lstm", true));
        Demo demo = new Demo(
                r.bool("dwcp.demo.enabled", false),
                r.intIn("dwcp.demo.links", 6, 1, 100_000),
                r.intIn("dwcp.demo.nodes", 3, 1, 100_000),
                r.intIn("dwcp.demo.rate-per-second", 20, 1, 1_000_000),
                r.bool("dwcp.demo.print", true),
                r.duration("dwcp.demo.duration", Duration.ZERO));
        double minConfidence = r.doubleIn("dwcp.recommend.min-confidence", 0.6, 0, 1);
        int maxBufferKib = r.intIn("dwcp.recommend.max-buffer-kib", 64 * 1024, 64, 4 * 1024 * 1024);
        int minBufferKib = r.intIn("dwcp.recommend.min-buffer-kib", 64, 4, maxBufferKib);
        Recommend recommend = new Recommend(
                r.bool("dwcp.recommend.enabled", true),
                new io.dwcp.agent.predict.TransferAdvisor.Settings(minConfidence,
                        r.intIn("dwcp.recommend.max-streams", 16, 1, 256),
                        r.intIn("dwcp.recommend.mss-bytes", 1448, 536, 65_495),
                        minBufferKib * 1024L, maxBufferKib * 1024L));
        boolean historyOn = r.bool("dwcp.history.enabled", false);
        Path historyDir = r.optionalPath("dwcp.history.dir");
        if (historyOn && historyDir == null) {
            throw new ConfigException("dwcp.history.dir", "(unset)",
                    "required when dwcp.history.enabled=true (e.g. /var/lib/dwcp-agent/history)");
        }
        long maxBytes = r.bytes("dwcp.history.max-bytes", 1L << 30, 1L << 20, 1L << 42);
        long fileBytes = r.bytes("dwcp.history.file-bytes", 16L << 20, 64L << 10, 1L << 30);
        if (historyOn && fileBytes * 2 > maxBytes) {
            throw new ConfigException("dwcp.history.file-bytes", fileBytes,
                    "must be at most half of dwcp.history.max-bytes (" + maxBytes + ") so that rolling keeps history");
        }
        Duration fileInterval = r.durationIn("dwcp.history.file-interval", Duration.ofHours(1), Duration.ofSeconds(1),
                Duration.ofDays(7));
        Duration retention = r.durationIn("dwcp.history.retention", Duration.ofDays(14), Duration.ofMinutes(1),
                Duration.ofDays(3650));
        History history = new History(historyOn, historyOn ? historyDir : null, maxBytes, fileBytes, fileInterval, retention,
                r.intIn("dwcp.history.queue-capacity", 65_536, 16, 16 * 1024 * 1024),
                r.durationIn("dwcp.history.flush-interval", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10)));
        boolean shadowOn = r.bool("dwcp.shadow.enabled", true);
        double margin = r.doubleIn("dwcp.shadow.margin", 0.05, 0, 0.99);
        Shadow shadow = new Shadow(shadowOn,
                r.durationIn("dwcp.shadow.period", Duration.ofHours(6), Duration.ofSeconds(1), Duration.ofDays(30)),
                margin,
                r.intIn("dwcp.shadow.min-samples", 1000, 1, 100_000_000),
                r.intIn("dwcp.shadow.queue-capacity", 8192, 16, 16 * 1024 * 1024),
                r.durationIn("dwcp.shadow.poll", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)));
        if (shadowOn && inference.modelsDir() == null && r.lookup().apply("dwcp.shadow.enabled").isPresent()) {
            throw new ConfigException("dwcp.shadow.enabled", "true",
                    "needs dwcp.inference.models-dir (candidates are looked for there)");
        }
                Degradation degradation = new Degradation(
                r.bool("dwcp.degradation.enabled", true),
                r.intIn("dwcp.degradation.window-length", 60, 2, 1024),
                r.doubleIn("dwcp.degradation.slo-latency-ms", 200, 1e-3, 1e6),
                r.doubleIn("dwcp.degradation.slo-throughput-mbps", 10, 1e-6, 1e7),
                r.doubleIn("dwcp.degradation.slo-error-rate", 0.02, 1e-6, 0.999),
                r.intIn("dwcp.degradation.stream-every", 12, 0, 1_000_000),
                r.intIn("dwcp.degradation.every", 5, 1, 1_000));
        Forecast forecast = new Forecast(r.doubleIn("dwcp.forecast.interval-coverage", 0.8, 0.5, 0.99));
        Metrics metrics = new Metrics(
                r.intIn("dwcp.metrics.max-link-series", 100, 0, 10_000),
                r.intIn("dwcp.metrics.max-label-chars", 128, 16, 4096));
        boolean learn = r.bool("dwcp.codec-profile.learn", true);
        boolean bench = r.bool("dwcp.codec-profile.bench-on-start", true);
        if (bench && !learn && r.lookup().apply("dwcp.codec-profile.bench-on-start").isPresent()) {
            throw new ConfigException("dwcp.codec-profile.bench-on-start", "true",
                    "needs dwcp.codec-profile.learn=true (the benchmark seeds the learnt profile)");
        }
        CodecProfile codecProfile = new CodecProfile(learn, r.optionalPath("dwcp.state-dir"), bench && learn,
                r.durationIn("dwcp.codec-profile.bench-budget", Duration.ofMillis(300), Duration.ofMillis(20),
                        Duration.ofSeconds(10)),
                r.doubleIn("dwcp.codec-profile.max-regret", 0.05, 0, 10),
                r.durationIn("dwcp.codec-profile.save-interval", Duration.ofSeconds(30), Duration.ofSeconds(1),
                        Duration.ofHours(1)));
        int slice = r.intIn("dwcp.scheduling.latency-slice-micros", 100, 0, 100_000);
        if (slice > 0 && slice < 100) {
            // The kernel clamps a fair thread's slice to 0.1-100 ms: a smaller value would not do what it says.
            throw new ConfigException("dwcp.scheduling.latency-slice-micros", Integer.toString(slice),
                    "must be 0 (off) or between 100 and 100000");
        }
        Scheduling scheduling = new Scheduling(slice, r.intIn("dwcp.scheduling.jit-nice", 0, 0, 19));
        return new AgentConfig(ingest, windows, socket, pipeline, inference, demo, recommend, history, shadow, degradation,
                forecast, metrics, codecProfile, scheduling);
    }

    private static void checkLoopback(String key, String host, boolean allowed, String allowKey) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(key, host, "not a resolvable address");
        }
        if (!addr.isLoopbackAddress() && !allowed) {
            throw new ConfigException(key, host,
                    "not a loopback address; set " + allowKey + "=true to listen beyond this host");
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
        m.put("dwcp.history", history);
        m.put("dwcp.shadow", shadow);
        m.put("dwcp.recommend", recommend);
        m.put("dwcp.degradation", degradation);
        m.put("dwcp.forecast", forecast);
        m.put("kill switches (-D)", AgentKillSwitches.current());
        m.put("dwcp.metrics", metrics);
        m.put("dwcp.codec-profile", codecProfile);
        m.put("dwcp.scheduling", scheduling);
        return m;
    }
}

package io.dwcp.agent.profile;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.serving.HostCodecBench;
import io.dwcp.models.serving.HostCodecProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns this host's codec profile (issue 15): restores it from {@code <dwcp.state-dir>/codec-profile.json} at start,
 * learns from {@code dwcp_transfer_outcome} records, writes it back at most every
 * {@code dwcp.codec-profile.save-interval} and at stop, and on a first start (no file) seeds it with a micro-benchmark
 * once the agent is ready.
 *
 * <p>An outcome's entropy is its own {@code entropy_bits_per_byte}, else the last {@code dwcp_transfer} hint of its
 * link (kept for at most {@code dwcp.windows.max-links} links, least recently updated dropped first; keys are bounded in
 * bytes by {@code dwcp.ingest.max-id-bytes}, so the map is too). Every outcome is counted once in
 * {@code dwcp_codec_profile_outcomes_total{result}}: {@code learnt}; {@code none} (codec none has no cost to learn);
 * {@code other_level} (zstd, zstd-max or brotli at another level than the agent chooses: another codec, in effect);
 * {@code no_entropy} (neither the outcome nor its link said how compressible the payload was); {@code too_small}
 * (payload and times too small to measure); {@code off} ({@code dwcp.codec-profile.learn=false}).
 *
 * <p>Thread-safety: {@link #onTransfer} and {@link #onOutcome} run on the pipeline worker, {@link #current} on any
 * thread (a volatile read of an immutable profile); the benchmark and the writes run on one background thread at the
 * lowest priority, never on an event loop or the worker.
 */
public final class CodecProfileService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodecProfileService.class);
    private static final int CODEC = 0, LEVEL = 1, BYTES_IN = 2, BYTES_OUT = 3, COMPRESS_US = 4, DECOMPRESS_US = 5,
            CPU = 7, ENTROPY = 8;
    static final String[] RESULTS = {"learnt", "none", "other_level", "no_entropy", "too_small", "off"};

    private final AgentConfig.CodecProfile config;
    private final HostCodecProfile profile;
    private final Path file;
    private final boolean restored;
    private final LinkedHashMap<String, Double> entropyByLink;
    private final ThreadPoolExecutor background;
    private final AtomicBoolean savePending = new AtomicBoolean();
    private final AtomicBoolean benchStarted = new AtomicBoolean();
    private final Map<String, Counter> outcomes = new LinkedHashMap<>();
    private final Counter savesOk;
    private final Counter savesFailed;
    private volatile boolean dirty;
    private volatile double benchWall;
    private volatile double benchCpu;
    private long lastSaveNanos = System.nanoTime();

    public CodecProfileService(AgentConfig.CodecProfile config, int maxLinks, HostCodecProfile profile,
                               MeterRegistry registry) {
        this.config = config;
        this.profile = profile;
        this.file = config.learn() ? config.file() : null;
        this.entropyByLink = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Double> e) {
                return size() > maxLinks;
            }
        };
        boolean ok = false;
        if (file != null) {
            try {
                ok = ProfileFile.read(file).map(s -> {
                    profile.restore(s);
                    return true;
                }).orElse(false);
                if (ok) {
                    LOG.info("codec profile restored from {} ({} outcomes learnt{})", file, profile.observations(),
                            profile.seeded() ? ", benchmark-seeded" : "");
                }
            } catch (IOException | IllegalArgumentException e) {
                // A damaged file must not stop the agent: start from the base and overwrite it at the next save.
                LOG.warn("codec profile not restored, starting from the model's profile: {}", e.getMessage());
            }
        }
        this.restored = ok;
        this.background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(4), r -> {
            Thread t = new Thread(r, "dwcp-codec-profile");
            t.setDaemon(true);
            // Advisory: the JVM maps priorities to nice values only with -XX:ThreadPriorityPolicy=1 on Linux. What
            // bounds the benchmark's cost is its budget, not this.
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        for (String r : RESULTS) {
            outcomes.put(r, Counter.builder("dwcp.codec.profile.outcomes").tag("result", r)
                    .description("dwcp_transfer_outcome records seen by the host codec profile, by what it made of them")
                    .register(registry));
        }
        savesOk = Counter.builder("dwcp.codec.profile.saves").tag("result", "ok")
                .description("writes of the host codec profile to dwcp.state-dir").register(registry);
        savesFailed = Counter.builder("dwcp.codec.profile.saves").tag("result", "failed")
                .description("writes of the host codec profile to dwcp.state-dir").register(registry);
        for (Codec c : Codec.values()) {
            if (c == Codec.NONE) {
                continue;
            }
            String name = codecName(c);
            for (int j = 0; j < HostCodecProfile.BUCKETS; j++) {
                double centre = (j + 0.5) * 8.0 / HostCodecProfile.BUCKETS;
                Gauge.builder("dwcp.codec.profile.ratio", profile, p -> p.ratio(c, centre))
                        .tag("codec", name).tag("entropy_bucket", j + "-" + (j + 1))
                        .description("compressed/original size on this host at the bucket's centre entropy (bits/byte)")
                        .register(registry);
            }
            Gauge.builder("dwcp.codec.profile.speed.factor", profile, p -> p.speedFactor(c, true))
                    .tag("codec", name).tag("direction", "compress")
                    .description("codec speed on this host relative to the model's profile (CPU load taken out)")
                    .register(registry);
            Gauge.builder("dwcp.codec.profile.speed.factor", profile, p -> p.speedFactor(c, false))
                    .tag("codec", name).tag("direction", "decompress")
                    .description("codec speed on this host relative to the model's profile (CPU load taken out)")
                    .register(registry);
        }
        Gauge.builder("dwcp.codec.profile.observations", profile, HostCodecProfile::observations)
                .description("outcomes the host codec profile has learnt from (kept across restarts)").register(registry);
        Gauge.builder("dwcp.codec.profile.bench", this, s -> s.benchWall).tag("clock", "wall").baseUnit("seconds")
                .description("cost of the first-start codec benchmark (0: it did not run in this process)")
                .register(registry);
        Gauge.builder("dwcp.codec.profile.bench", this, s -> s.benchCpu).tag("clock", "cpu").baseUnit("seconds")
                .description("cost of the first-start codec benchmark (0: it did not run in this process)")
                .register(registry);
    }

    static String codecName(Codec c) {
        return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The profile the decisions are judged under; null when learning is off ({@code dwcp.codec-profile.learn=false}). */
    public HostCodecProfile current() {
        return config.learn() ? profile : null;
    }

    public HostCodecProfile profile() {
        return profile;
    }

    /** Whether a persisted profile was restored at start (then no benchmark runs). */
    public boolean restored() {
        return restored;
    }

    /** A {@code dwcp_transfer} context: remembers its link's entropy hint for the link's outcomes. */
    public void onTransfer(String linkKey, double entropy) {
        synchronized (entropyByLink) {
            entropyByLink.put(linkKey, entropy);
        }
    }

    /** A {@code dwcp_transfer_outcome} record (validated by ingest). */
    public void onOutcome(MetricRecord r) {
        if (r.measurement() != Measurement.OUTCOME) {
            return;
        }
        String result = learn(r.key(), r.values());
        outcomes.get(result).increment();
        if ("learnt".equals(result)) {
            dirty = true;
        }
    }

    private String learn(String key, double[] v) {
        if (!config.learn()) {
            return "off";
        }
        Codec c = Codec.values()[(int) v[CODEC]];
        if (c == Codec.NONE) {
            return "none";
        }
        if (c != Codec.LZ4 && v[LEVEL] != HostCodecProfile.level(c)) {
            return "other_level";
        }
        double entropy = v[ENTROPY];
        if (entropy == Measurement.UNKNOWN) {
            Double hint;
            synchronized (entropyByLink) {
                hint = entropyByLink.get(key);
            }
            if (hint == null) {
                return "no_entropy";
            }
            entropy = hint;
        }
        double decompress = v[DECOMPRESS_US] == Measurement.UNKNOWN ? Double.NaN : v[DECOMPRESS_US];
        return profile.observe(c, entropy, v[BYTES_IN], v[BYTES_OUT], v[COMPRESS_US], decompress, v[CPU])
                ? "learnt" : "too_small";
    }

    /** The agent is ready: on a first start, seed the profile with the benchmark (in the background). */
    public void ready() {
        if (!config.benchOnStart() || restored || !benchStarted.compareAndSet(false, true)) {
            return;
        }
        background.execute(() -> {
            HostCodecBench.Result r = HostCodecBench.run(profile, config.benchBudget().toNanos());
            benchWall = r.wallSeconds();
            benchCpu = Double.isFinite(r.cpuSeconds()) ? r.cpuSeconds() : 0;
            LOG.info("codec benchmark seeded the host profile: {} measured in {} ms (cpu {} ms, budget {} ms){}; "
                            + "compression speed vs the model's profile: {}",
                    r.measured(), Math.round(r.wallSeconds() * 1e3), Math.round(r.cpuSeconds() * 1e3),
                    config.benchBudget().toMillis(), r.skipped().isEmpty() ? "" : ", skipped " + r.skipped(), factors());
            if (!r.measured().isEmpty()) {
                dirty = true;
                save();
            }
        });
    }

    private String factors() {
        Map<Codec, String> m = new EnumMap<>(Codec.class);
        for (Codec c : Codec.values()) {
            if (c != Codec.NONE) {
                m.put(c, String.format(Locale.ROOT, "x%.2f", profile.speedFactor(c, true)));
            }
        }
        return m.toString();
    }

    /** Once a second on the worker: queues a write when something was learnt and the save interval has passed. */
    public void tick() {
        long now = System.nanoTime();
        if (dirty && file != null && now - lastSaveNanos >= config.saveInterval().toNanos()
                && savePending.compareAndSet(false, true)) {
            lastSaveNanos = now;
            background.execute(() -> {
                savePending.set(false);
                save();
            });
        }
    }

    /** Writes the profile now (on the calling thread) if it changed since the last write; counts the result. */
    synchronized void save() {
        if (file == null || !dirty) {
            return;
        }
        dirty = false;
        try {
            ProfileFile.write(file, profile.state());
            savesOk.increment();
        } catch (IOException | RuntimeException e) {
            dirty = true;
            savesFailed.increment();
            LOG.warn("cannot write the codec profile to {}: {} (kept in memory; retried at the next save)", file,
                    e.toString());
        }
    }

    /** Stops the background thread (a running benchmark is waited for, briefly) and writes what is unsaved. */
    @Override
    public void close() {
        background.shutdown();
        try {
            background.awaitTermination(Math.max(1000, 3 * config.benchBudget().toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}

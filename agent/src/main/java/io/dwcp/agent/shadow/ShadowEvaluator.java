package io.dwcp.agent.shadow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.serving.ModelVersions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow mode for the bandwidth forecaster (issue 8). When {@code <models-dir>/bandwidth/candidate} exists,
 * the candidate and a private copy of the current model are loaded (CPU) and both forecast every completed
 * link window the pipeline sees; each forecast is scored against the link's next actual sample, so both
 * MAPEs are measured on exactly the same samples. Nothing the candidate computes is streamed. After
 * {@code period}, once at least {@code minSamples} pairs are scored (waiting up to 4 periods for them,
 * then discarding for insufficient samples), the candidate is promoted when its MAPE is
 * below the active MAPE × (1 − margin) (current := candidate, previous := old current, then a model reload
 * swaps it in through {@code ModelReloader}); otherwise, or with too few samples, it is discarded (the
 * candidate link is removed, the version folder stays). Each decision is logged with its numbers, written
 * to {@code shadow.json} in the candidate's folder and exported in {@code /metrics}.
 *
 * <p>Off the hot path: the pipeline worker only offers to a bounded queue ({@code dwcp_shadow_skipped_total}
 * counts what a full queue refused; after a skip the pending forecasts are cleared so no forecast is scored
 * against the wrong sample). One thread runs both models. Thread-safe.
 */
public final class ShadowEvaluator implements Pipeline.Tap, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowEvaluator.class);
    private static final int BATCH = 256;
    /** Links with a pending forecast pair; more are not scored (bounded memory). */
    static final int MAX_LINKS = 100_000;

    /** Loads a forecaster from a version folder (empty: the embedded default); must validate it. */
    @FunctionalInterface
    public interface Loader {
        Predictor<float[][], BandwidthForecast> load(Optional<Path> dir) throws Exception;
    }

    /** One shadow verdict; MAPEs as ratios (0.05 = 5 %). */
    public record Decision(String decision, String reason, String candidate, String active, double candidateMape,
                           double activeMape, long samples, double margin, String at) {}

    private record Item(String link, float actual, float[][] window) {}

    private record Pair(double active, double candidate) {}

    private final AgentConfig.Shadow config;
    private final ModelVersions versions;
    private final Loader loader;
    private final Runnable reload;
    private final LongSupplier clock;
    private final ArrayBlockingQueue<Item> queue;
    private final Counter skipped;
    private final Counter promoted;
    private final Counter discarded;
    private final RateLimitedLog errorLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Thread thread;
    private final Map<String, Pair> pending = new HashMap<>();
    private volatile boolean running = true;
    private volatile boolean shadowing;
    private volatile boolean skippedSince;
    private volatile double activeMape = Double.NaN;
    private volatile double candidateMape = Double.NaN;
    private volatile long samples;
    private volatile Decision last;
    private Predictor<float[][], BandwidthForecast> candidate;
    private Predictor<float[][], BandwidthForecast> active;
    private Path candidateDir;
    private long startedMillis;
    private double sumActive;
    private double sumCandidate;

    public ShadowEvaluator(AgentConfig.Shadow config, Path modelsDir, Loader loader, Runnable reload,
                           MeterRegistry registry) {
        this(config, modelsDir, loader, reload, registry, System::currentTimeMillis);
    }

    ShadowEvaluator(AgentConfig.Shadow config, Path modelsDir, Loader loader, Runnable reload, MeterRegistry registry,
                    LongSupplier clock) {
        this.config = config;
        this.versions = new ModelVersions(modelsDir, "bandwidth");
        this.loader = loader;
        this.reload = reload;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        skipped = Counter.builder("dwcp.shadow.skipped").description("link samples the shadow evaluation skipped (queue full)")
                .register(registry);
        promoted = Counter.builder("dwcp.shadow.decisions").tag("decision", "promoted")
                .description("shadow verdicts on candidate models").register(registry);
        discarded = Counter.builder("dwcp.shadow.decisions").tag("decision", "discarded")
                .description("shadow verdicts on candidate models").register(registry);
        Gauge.builder("dwcp.shadow.running", this, s -> s.shadowing ? 1 : 0)
                .description("1 while a candidate is being shadowed").register(registry);
        Gauge.builder("dwcp.shadow.mape", this, s -> s.activeMape).tag("role", "active").baseUnit("ratio")
                .description("bandwidth MAPE of the shadow run so far, on the samples both models forecast").register(registry);
        Gauge.builder("dwcp.shadow.mape", this, s -> s.candidateMape).tag("role", "candidate").baseUnit("ratio")
                .description("bandwidth MAPE of the shadow run so far, on the samples both models forecast").register(registry);
        Gauge.builder("dwcp.shadow.samples", this, s -> s.samples)
                .description("forecast pairs scored in the current shadow run").register(registry);
        Gauge.builder("dwcp.shadow.last.decision.mape", this, s -> s.last == null ? Double.NaN : s.last.activeMape())
                .tag("role", "active").baseUnit("ratio").description("MAPEs the last shadow decision was made on")
                .register(registry);
        Gauge.builder("dwcp.shadow.last.decision.mape", this, s -> s.last == null ? Double.NaN : s.last.candidateMape())
                .tag("role", "candidate").baseUnit("ratio").description("MAPEs the last shadow decision was made on")
                .register(registry);
        thread = new Thread(this::run, "dwcp-shadow");
        thread.setDaemon(true);
    }

    public ShadowEvaluator start() {
        thread.start();
        return this;
    }

    @Override
    public void accept(MetricRecord r, Pipeline.StreamInputs inputs) {
        if (!shadowing || r.measurement() != Measurement.LINK) {
            return;
        }
        float[][] linkWindow = inputs.get(BuiltinModels.BANDWIDTH);
        if (!queue.offer(new Item(r.key(), (float) r.values()[0], linkWindow))) {
            skipped.increment();
            skippedSince = true;
        }
    }

    public Optional<Decision> lastDecision() {
        return Optional.ofNullable(last);
    }

    public boolean shadowing() {
        return shadowing;
    }

    private void run() {
        long pollMs = config.poll().toMillis();
        long nextPoll = 0;
        List<Item> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                long now = clock.getAsLong();
                if (now >= nextPoll) {
                    checkCandidate();
                    nextPoll = now + pollMs;
                }
                Item first = queue.poll(Math.min(pollMs, 200), TimeUnit.MILLISECONDS);
                if (first != null && candidate != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    process(batch);
                }
                batch.clear();
                long elapsed = clock.getAsLong() - startedMillis;
                // A quiet period (few links, little traffic) gets up to 4 periods to reach min-samples.
                if (candidate != null && elapsed >= config.period().toMillis()
                        && (samples >= config.minSamples() || elapsed >= 4 * config.period().toMillis())) {
                    decide();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (VirtualMachineError | LinkageError fatal) {
                throw fatal;
            } catch (RuntimeException e) {
                errorLog.warn("shadow evaluation error", String.valueOf(e));
                batch.clear();
            }
        }
        unload();
    }

    /** Starts shadowing a new candidate, or stops when the candidate link went away. */
    private void checkCandidate() {
        Optional<Path> c;
        try {
            c = versions.candidate();
        } catch (IOException e) {
            errorLog.warn("cannot read the candidate link", String.valueOf(e));
            return;
        }
        if (c.isPresent() && c.get().equals(candidateDir)) {
            return;
        }
        unload();
        if (c.isEmpty()) {
            return;
        }
        try {
            candidate = loader.load(c);
            active = loader.load(versions.current());
        } catch (Exception e) {
            LOG.error("shadow: candidate {} cannot be loaded ({}); discarding it", c.get(), e.toString());
            Decision d = new Decision("discarded", "load_failed: " + e.getMessage(), c.get().getFileName().toString(),
                    null, Double.NaN, Double.NaN, 0, config.margin(), Instant.now().toString());
            unload();
            finish(d, c.get());
            return;
        }
        candidateDir = c.get();
        startedMillis = clock.getAsLong();
        queue.clear();
        shadowing = true;
        LOG.info("shadow: evaluating candidate {} ({}) against {} ({}) for {}, margin {}, at least {} samples", candidateDir,
                candidate.version(), versions.root().resolve(ModelVersions.CURRENT), active.version(), config.period(),
                config.margin(), config.minSamples());
    }

    private void process(List<Item> batch) {
        if (skippedSince) {
            skippedSince = false;
            pending.clear(); // a skipped sample: a pending forecast may no longer be for the next sample
        }
        List<float[][]> windows = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Item it = batch.get(i);
            // The order matters: this sample first scores the forecast made from the previous window of its link.
            Pair p = pending.remove(it.link());
            if (p != null && it.actual() > 0) {
                sumActive += Math.abs(p.active() - it.actual()) / it.actual();
                sumCandidate += Math.abs(p.candidate() - it.actual()) / it.actual();
                samples++;
            }
            if (it.window() != null) {
                windows.add(it.window());
                keys.add(it.link());
            }
            // A link seen twice in one batch: forecast now so its second sample can score the first window.
            boolean again = it.window() != null && batch.subList(i + 1, batch.size()).stream()
                    .anyMatch(x -> x.link().equals(it.link()));
            if (again || i == batch.size() - 1) {
                forecast(keys, windows);
                keys.clear();
                windows.clear();
            }
        }
        if (samples > 0) {
            activeMape = sumActive / samples;
            candidateMape = sumCandidate / samples;
        }
    }

    private void forecast(List<String> keys, List<float[][]> windows) {
        if (windows.isEmpty()) {
            return;
        }
        List<BandwidthForecast> a = active.predictBatch(windows);
        List<BandwidthForecast> c = candidate.predictBatch(windows);
        for (int i = 0; i < keys.size(); i++) {
            if (pending.size() < MAX_LINKS || pending.containsKey(keys.get(i))) {
                pending.put(keys.get(i), new Pair(a.get(i).bandwidthMbps(), c.get(i).bandwidthMbps()));
            }
        }
    }

    private void decide() {
        long n = samples;
        double am = activeMape;
        double cm = candidateMape;
        String decision;
        String reason;
        if (n < config.minSamples()) {
            decision = "discarded";
            reason = "insufficient_samples: " + n + " < " + config.minSamples();
        } else if (cm < am * (1 - config.margin())) {
            decision = "promoted";
            reason = String.format("candidate MAPE %.4f < active MAPE %.4f x (1 - %.3f)", cm, am, config.margin());
        } else {
            decision = "discarded";
            reason = String.format("candidate MAPE %.4f not below active MAPE %.4f x (1 - %.3f)", cm, am, config.margin());
        }
        Decision d = new Decision(decision, reason, candidateDir.getFileName().toString(), active.version(), cm, am, n,
                config.margin(), Instant.now().toString());
        Path dir = candidateDir;
        unload();
        finish(d, dir);
    }

    private void finish(Decision d, Path dir) {
        try {
            if (d.decision().equals("promoted")) {
                versions.promote();
            } else {
                versions.discardCandidate();
            }
        } catch (IOException e) {
            LOG.error("shadow: {} {} but the links could not be changed: {}", d.decision(), dir, e.toString());
        }
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("decision", d);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("shadow.json").toFile(), m);
        } catch (IOException e) {
            LOG.warn("shadow: cannot write {}: {}", dir.resolve("shadow.json"), e.toString());
        }
        last = d;
        (d.decision().equals("promoted") ? promoted : discarded).increment();
        LOG.info("shadow decision: {} candidate {} (active {}): candidate MAPE {}, active MAPE {}, {} samples, margin {}; {}",
                d.decision(), d.candidate(), d.active(), d.candidateMape(), d.activeMape(), d.samples(), d.margin(), d.reason());
        if (d.decision().equals("promoted")) {
            reload.run();
        }
    }

    private void unload() {
        shadowing = false;
        if (candidate != null) {
            candidate.close();
        }
        if (active != null) {
            active.close();
        }
        candidate = null;
        active = null;
        candidateDir = null;
        pending.clear();
        queue.clear();
        sumActive = 0;
        sumCandidate = 0;
        samples = 0;
        activeMape = Double.NaN;
        candidateMape = Double.NaN;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

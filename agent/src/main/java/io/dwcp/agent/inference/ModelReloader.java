package io.dwcp.agent.inference;

import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.registry.ModelHolder;
import io.dwcp.agent.registry.ModelSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: on SIGHUP or a change under the models directory (debounced), loads the models beside the
 * ones serving, keeps each new model that loaded and validated, keeps the old one for each that did not,
 * and swaps the set atomically. Batches in flight finish on the set they started with; the replaced
 * predictors are closed after {@code closeGrace}. Counted in {@code dwcp_model_reloads_total{result}}
 * ({@code loaded}, {@code rejected} per model).
 *
 * <p>All reloads run on one thread, so two triggers never race.
 */
public final class ModelReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);
    private static final long DEBOUNCE_MS = 1000;

    private final InferenceBackend backend;
    private final Path modelsDir;
    private final ModelHolder pipeline;
    private final long closeGraceMs;
    private final MeterRegistry registry;
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dwcp-model-reload");
        t.setDaemon(true);
        return t;
    });
    private WatchService watch;
    private Thread watcher;
    private ScheduledFuture<?> pending;

    public ModelReloader(InferenceBackend backend, Path modelsDir, ModelHolder pipeline, long closeGraceMs,
                         MeterRegistry registry) {
        this.backend = backend;
        this.modelsDir = modelsDir;
        this.pipeline = pipeline;
        this.closeGraceMs = closeGraceMs;
        this.registry = registry;
    }

    /** Reloads on SIGHUP; where the JVM refuses the handler (e.g. -Xrs), says so and goes on. */
    public void handleSighup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                LOG.info("SIGHUP: reloading models");
                trigger();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("cannot handle SIGHUP ({}); reload by changing files under the models directory", e.getMessage());
        }
    }

    /** Watches the models directory tree (new version directories included) and reloads after changes settle. */
    public void watch() throws IOException {
        if (modelsDir == null || !Files.isDirectory(modelsDir)) {
            return;
        }
        watch = FileSystems.getDefault().newWatchService();
        registerTree(modelsDir);
        watcher = new Thread(this::watchLoop, "dwcp-model-watch");
        watcher.setDaemon(true);
        watcher.start();
        LOG.info("watching {} for new model versions", modelsDir);
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root, 3)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                key.pollEvents();
                key.reset();
                try {
                    registerTree(modelsDir); // pick up directories created since
                } catch (IOException e) {
                    LOG.debug("re-registering watch: {}", e.toString());
                }
                trigger();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** Schedules a reload after the debounce period; repeated triggers collapse into one. */
    public synchronized void trigger() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = exec.schedule(this::reloadNow, DEBOUNCE_MS, TimeUnit.MILLISECONDS);
    }

    /** Loads, validates, swaps; returns the models that were replaced. Runs on the reload thread (or a test). */
    public synchronized List<String> reloadNow() {
        InferenceBackend.Loaded loaded;
        try {
            loaded = backend.load(modelsDir);
        } catch (RuntimeException e) {
            LOG.error("model reload failed, all current models keep serving: {}", e.toString());
            count("all", "rejected");
            return List.of();
        }
        ModelSet old = pipeline.models();
        ModelSet fresh = loaded.models();
        List<String> swapped = new ArrayList<>();
        List<Predictor<?, ?>> retire = new ArrayList<>();
        List<Predictor<?, ?>> unused = new ArrayList<>();
        java.util.Map<String, Predictor<?, ?>> next = new java.util.LinkedHashMap<>();
        for (String model : old.names()) {
            next.put(model, pick(model, loaded, old.get(model), fresh.get(model), swapped, retire, unused));
        }
        pipeline.swapModels(new ModelSet(next));
        unused.forEach(Predictor::close);
        // The batchers read the set once per batch: after a grace period no batch uses the old ones.
        exec.schedule(() -> retire.forEach(Predictor::close), closeGraceMs, TimeUnit.MILLISECONDS);
        if (!swapped.isEmpty()) {
            LOG.info("models reloaded: {}", swapped);
        }
        return swapped;
    }

    private Predictor<?, ?> pick(String model, InferenceBackend.Loaded loaded, Predictor<?, ?> old,
                                 Predictor<?, ?> fresh, List<String> swapped, List<Predictor<?, ?>> retire,
                                        List<Predictor<?, ?>> unused) {
        if (loaded.failed().contains(model)) {
            LOG.error("model {}: new version rejected, {} keeps serving ({})", model, old.name() + "/" + old.version(),
                    loaded.notes().stream().filter(n -> n.startsWith(model)).findFirst().orElse("no detail"));
            count(model, "rejected");
            unused.add(fresh);
            return old;
        }
        if (fresh.name().equals(old.name()) && fresh.version().equals(old.version())) {
            unused.add(fresh); // unchanged: keep the warm one
            return old;
        }
        count(model, "loaded");
        swapped.add(model + " " + old.name() + "/" + old.version() + " -> " + fresh.name() + "/" + fresh.version());
        retire.add(old);
        return fresh;
    }

    private void count(String model, String result) {
        Counter.builder("dwcp.model.reloads").tag("model", model).tag("result", result)
                .description("model reload outcomes").register(registry).increment();
    }

    @Override
    public void close() {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        exec.shutdownNow();
    }
}

package io.dwcp.agent.inference;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.TfModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.tensorflow.proto.ConfigProto;

/**
 * The trained models of every registered {@link ModelSpec}, each through the first of its providers that
 * loads and passes its smoke test (TensorFlow Java SavedModels, the native forest kernels, ...). The GPU
 * variant places TensorFlow on the GPU and keeps a CPU twin of each network for {@link FallbackPredictor};
 * the CPU variant hides GPUs from TensorFlow.
 *
 * <p>Each model is loaded from {@code <models-dir>/<name>/current} (a link an operator or the retrainer
 * moves), else the newest version directory, else the model embedded in the jar; it must validate (feature
 * names and order, window, a smoke inference with finite outputs of the right shape) or its baseline
 * serves instead and the load reports it failed.
 */
public final class TensorFlowBackend implements InferenceBackend {
    private final boolean gpu;
    private final boolean nativeFirst;
    private final AgentConfig agentConfig;
    private final AgentConfig.Inference config;
    private final ModelRegistry models;
    private final MeterRegistry registry;
    private volatile String cause;
    private volatile Boolean available;

    public TensorFlowBackend(boolean gpu, AgentConfig config, ModelRegistry models, MeterRegistry registry) {
        this(gpu, false, config, models, registry);
    }

    /**
     * The CPU backend that needs no TensorFlow when every model has a native provider that loads (issue 16):
     * available when our C networks are; TensorFlow is loaded only if some model falls back to it.
     */
    public static TensorFlowBackend nativeCpu(AgentConfig config, ModelRegistry models, MeterRegistry registry) {
        return new TensorFlowBackend(false, true, config, models, registry);
    }

    private TensorFlowBackend(boolean gpu, boolean nativeFirst, AgentConfig config, ModelRegistry models,
                              MeterRegistry registry) {
        this.gpu = gpu;
        this.nativeFirst = nativeFirst;
        this.agentConfig = config;
        this.config = config.inference();
        this.models = models;
        this.registry = registry;
    }

    @Override
    public String name() {
        return nativeFirst ? "native-cpu" : gpu ? "tensorflow-gpu" : "tensorflow-cpu";
    }

    @Override
    public int rank() {
        return nativeFirst ? 250 : gpu ? 300 : 200;
    }

    @Override
    public boolean gpu() {
        return gpu;
    }

    @Override
    public boolean isAvailable() {
        Boolean a = available;
        if (a == null) {
            if (nativeFirst) {
                a = io.dwcp.jni.nets.NativeNets.isAvailable();
                cause = a ? null : "C networks unavailable: " + io.dwcp.jni.nets.NativeNets.unavailabilityCause();
            } else if (!tensorflowInBuild()) {
                // The edge jar leaves TensorFlow out (issue 16): say so instead of a NoClassDefFoundError, and on a
                // GPU host let native-cpu serve rather than a GPU backend whose every network would fail to load.
                cause = "TensorFlow is not in this build (the edge package serves on the native kernels only)";
                a = false;
            } else if (gpu) {
                GpuProbe.Result r = GpuProbe.result();
                cause = r.reason();
                a = r.available();
            } else {
                try (FirstStart unpack = FirstStart.announce()) {
                    org.tensorflow.TensorFlow.version();
                    a = true;
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
                        throw vme;
                    }
                    cause = "TensorFlow native library unavailable: " + t;
                    a = false;
                }
            }
            available = a;
        }
        return a;
    }

    /** Whether this jar carries TensorFlow Java (the edge jar does not); looks, loads nothing. */
    static boolean tensorflowInBuild() {
        return TensorFlowBackend.class.getClassLoader().getResource("org/tensorflow/TensorFlow.class") != null;
    }

    @Override
    public String unavailabilityCause() {
        isAvailable();
        return cause;
    }

    ConfigProto session(boolean onGpu) {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(config.intraOpThreads())
                .setInterOpParallelismThreads(config.interOpThreads());
        if (!onGpu) {
            b.putDeviceCount("GPU", 0);
        } else {
            b.setAllowSoftPlacement(true);
        }
        return b.build();
    }

    /** One model's load: what serves it, and the notes and failed providers it left behind. */
    private record OneLoad(Predictor<?, ?> predictor, List<String> notes, Set<String> failed) {}

    @Override
    public Loaded load(Path modelsDir) {
        List<? extends ModelSpec<?, ?>> specs = models.specs();
        // Issue 16 (ready in under 2 s): on the native backend the networks load two at a time, one per core
        // (reading weights, the golden-output check, the smoke run are independent per model). TensorFlow backends
        // stay one at a time: their sessions share TensorFlow's own thread pools and, on a GPU, its memory.
        int threads = nativeFirst ? Math.min(2, Math.max(1, Runtime.getRuntime().availableProcessors())) : 1;
        java.util.concurrent.ExecutorService pool = threads > 1 && specs.size() > 1
                ? java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "dwcp-model-load");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        java.util.concurrent.Executor exec = pool == null ? Runnable::run : pool;
        try {
            List<java.util.concurrent.FutureTask<OneLoad>> loads = new ArrayList<>();
            for (ModelSpec<?, ?> spec : specs) {
                java.util.concurrent.FutureTask<OneLoad> task = new java.util.concurrent.FutureTask<>(() -> {
                    List<String> notes = new ArrayList<>();
                    Set<String> failed = new HashSet<>();
                    return new OneLoad(one(spec, modelsDir, notes, failed), notes, failed);
                });
                exec.execute(task);
                loads.add(task);
            }
            List<String> notes = new ArrayList<>();
            Set<String> failed = new HashSet<>();
            Map<String, Predictor<?, ?>> loaded = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                OneLoad r = loads.get(i).get();
                loaded.put(specs.get(i).name(), r.predictor());
                notes.addAll(r.notes());
                failed.addAll(r.failed());
            }
            return new Loaded(new ModelSet(loaded), notes, failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading models", e);
        } catch (java.util.concurrent.ExecutionException e) {
            // one() turns every failure into a baseline and a note; what reaches here is an Error.
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Loads one model's artifact and tries its providers in order: the first whose predictor passes its
     * smoke test serves (on GPU, TensorFlow ones paired with a CPU twin); the baseline when none does.
     */
    private <I, O> Predictor<I, O> one(ModelSpec<I, O> spec, Path modelsDir, List<String> notes, Set<String> failed) {
        String name = spec.name();
        try {
            Optional<Path> dir = spec.hasArtifact() ? resolve(modelsDir, name) : Optional.empty();
            ModelArtifact a = null;
            if (spec.hasArtifact()) {
                a = dir.isPresent() ? ModelArtifact.load(dir.get()) : ModelArtifact.loadDefault(name);
                checkWindow(spec, a);
            } else if (spec.providers().isEmpty()) {
                Predictor<I, O> baseline = spec.baseline();
                notes.add(name + ": " + baseline.name() + " (no trained artifact)");
                return baseline;
            }
            List<String> why = new ArrayList<>();
            Exception only = null;
            for (Provider<I, O> provider : ranked(spec.providers())) {
                boolean tf = provider.engine() == Provider.Engine.TENSORFLOW;
                Smokable<I, O> p = null;
                try {
                    p = provider.create(a, env(gpu && tf));
                    p.smoke();
                    String where = dir.map(Path::toString).orElse(a == null ? "no artifact" : "embedded default");
                    notes.add(name + ": " + p.name() + "/" + p.version() + " from " + where
                            + (p.engine() != null ? ", graph " + p.engine() : ""));
                    if (gpu && tf) {
                        Smokable<I, O> twin = provider.create(a, env(false));
                        return new FallbackPredictor<>(name, p, twin, config.gpuRetryInitial(), config.gpuRetryMax(),
                                registry, System::nanoTime);
                    }
                    return p;
                } catch (Exception | LinkageError e) {
                    if (p != null) {
                        p.close();
                    }
                    why.add(provider.name() + ": " + e.getMessage());
                    only = e instanceof Exception ex ? ex : new IllegalStateException(e.getMessage(), e);
                }
            }
            throw new IllegalStateException(why.size() == 1 ? only.getMessage() : String.join("; ", why), only);
        } catch (IOException | RuntimeException | LinkageError e) {
            Predictor<I, O> baseline = spec.baseline();
            failed.add(name);
            notes.add(name + ": not loaded (" + e.getMessage() + "), serving " + baseline.name());
            return baseline;
        }
    }

    /**
     * The spec's order (native before TensorFlow on CPU); on a GPU backend TensorFlow's providers first, since
     * that is what the GPU runs (issue 16: tensorflow-gpu first where a GPU is usable).
     */
    private <I, O> List<Provider<I, O>> ranked(List<Provider<I, O>> providers) {
        if (!gpu) {
            return providers;
        }
        List<Provider<I, O>> r = new ArrayList<>(providers);
        r.sort(java.util.Comparator.comparingInt(p -> p.engine() == Provider.Engine.TENSORFLOW ? 0 : 1));
        return r;
    }

    /** The windows the pipeline builds must be the windows the model was trained on. */
    private void checkWindow(ModelSpec<?, ?> spec, ModelArtifact a) {
        if (spec.windowMustMatch() && a.metadata().window() != spec.windowLength(agentConfig)) {
            throw new IllegalStateException("model window " + a.metadata().window() + " != " + spec.windowLengthKey()
                    + " " + spec.windowLength(agentConfig));
        }
    }

    private Provider.Environment env(boolean onGpu) {
        return new Provider.Environment() {
            @Override
            public <T> T tensorflow(boolean gpuPlacement, Supplier<T> make) {
                return TfModel.withConfig(session(gpuPlacement), make::get);
            }

            @Override public boolean onGpu() { return onGpu; }
            @Override public boolean fusedLstm() { return config.fusedLstm(); }
        };
    }

    /**
     * A private CPU copy of a model from {@code dir} (empty: the embedded default), validated like a served
     * one (window, smoke inference): what the shadow evaluation runs, off the serving path.
     */
    public <I, O> Predictor<I, O> loadCpu(ModelSpec<I, O> spec, Optional<Path> dir) throws IOException {
        ModelArtifact a = dir.isPresent() ? ModelArtifact.load(dir.get()) : ModelArtifact.loadDefault(spec.name());
        checkWindow(spec, a);
        Provider<I, O> provider = spec.providers().get(0);
        Smokable<I, O> p;
        try {
            p = provider.create(a, env(false));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(spec.name() + ": " + e.getMessage(), e);
        }
        try {
            p.smoke();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** {@code <dir>/<name>/current}, else the newest version directory holding a metadata.json. */
    static Optional<Path> resolve(Path modelsDir, String name) {
        if (modelsDir == null) {
            return Optional.empty();
        }
        Path root = modelsDir.resolve(name);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        Path current = root.resolve("current");
        if (Files.isDirectory(current)) {
            return Optional.of(current);
        }
        if (Files.isRegularFile(root.resolve("metadata.json"))) {
            return Optional.of(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            // Not the candidate (judged by shadow mode first) nor previous (kept for rollback).
            return s.filter(p -> !p.getFileName().toString().equals("candidate")
                            && !p.getFileName().toString().equals("previous"))
                    .filter(p -> Files.isRegularFile(p.resolve("metadata.json")))
                    .max(Comparator.comparing(TensorFlowBackend::versionKey));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** Orders version names numerically where they are numbers ("10" after "9"), else by name. */
    private static String versionKey(Path p) {
        String n = p.getFileName().toString();
        return n.matches("\\d+") ? String.format("%020d", Long.parseLong(n)) : n;
    }

}

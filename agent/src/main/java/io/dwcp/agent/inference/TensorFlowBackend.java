package io.dwcp.agent.inference;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.predict.ModelSet;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.CompressionSelector;
import io.dwcp.models.serving.DegradationForecaster;
import io.dwcp.models.serving.LatencyDetector;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.tensorflow.proto.ConfigProto;

/**
 * The trained models: TensorFlow Java SavedModels (forecaster, compression selector, latency autoencoder)
 * and the Isolation Forest scored by the native kernels (CUDA > C > Java, see {@code io.dwcp.jni.Kernels}).
 * The GPU variant places TensorFlow on the GPU and keeps a CPU twin of each network for
 * {@link FallbackPredictor}; the CPU variant hides GPUs from TensorFlow.
 *
 * <p>Each model is loaded from {@code <models-dir>/<name>/current} (a link an operator or the retrainer
 * moves), else the newest version directory, else the model embedded in the jar; it must validate (feature
 * names and order, window, a smoke inference with finite outputs of the right shape) or its baseline
 * serves instead and the load reports it failed.
 */
public final class TensorFlowBackend implements InferenceBackend {
    private final boolean gpu;
    private final AgentConfig.Inference config;
    private final AgentConfig.Windows windows;
    private final int degradationWindow;
    private final MeterRegistry registry;
    private volatile String cause;
    private volatile Boolean available;

    public TensorFlowBackend(boolean gpu, AgentConfig config, MeterRegistry registry) {
        this.gpu = gpu;
        this.config = config.inference();
        this.windows = config.windows();
        this.degradationWindow = config.degradation().windowLength();
        this.registry = registry;
    }

    @Override
    public String name() {
        return gpu ? "tensorflow-gpu" : "tensorflow-cpu";
    }

    @Override
    public int rank() {
        return gpu ? 300 : 200;
    }

    @Override
    public boolean gpu() {
        return gpu;
    }

    @Override
    public boolean isAvailable() {
        Boolean a = available;
        if (a == null) {
            if (gpu) {
                GpuProbe.Result r = GpuProbe.result();
                cause = r.reason();
                a = r.available();
            } else {
                try {
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

    @Override
    public Loaded load(Path modelsDir) {
        ModelSet base = ModelSet.baselines();
        List<String> notes = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        Predictor<float[][], io.dwcp.agent.predict.BandwidthForecast> bw = one("bandwidth", modelsDir, base.bandwidth(),
                a -> TfModel.withConfig(session(gpu), () -> new TfAdapters.Bandwidth(new BandwidthForecaster(a, config.fusedLstm()))),
                a -> TfModel.withConfig(session(false), () -> new TfAdapters.Bandwidth(new BandwidthForecaster(a, config.fusedLstm()))),
                notes, failed);
        Predictor<float[], io.dwcp.agent.predict.CompressionDecision> cs = one("compression", modelsDir, base.compression(),
                a -> TfModel.withConfig(session(gpu), () -> new TfAdapters.Compression(new CompressionSelector(a))),
                a -> TfModel.withConfig(session(false), () -> new TfAdapters.Compression(new CompressionSelector(a))),
                notes, failed);
        Predictor<float[][], io.dwcp.agent.predict.AnomalyVerdict> rel = one("reliability", modelsDir, base.reliability(),
                TfAdapters.Reliability::load, null, notes, failed);
        Predictor<float[][], io.dwcp.agent.predict.LatencyVerdict> lat = one("latency", modelsDir, base.latency(),
                a -> TfModel.withConfig(session(gpu), () -> new TfAdapters.Latency(new LatencyDetector(a))),
                a -> TfModel.withConfig(session(false), () -> new TfAdapters.Latency(new LatencyDetector(a))),
                notes, failed);
        Predictor<io.dwcp.agent.predict.DegradationInput, io.dwcp.agent.predict.DegradationVerdict> deg = one("degradation",
                modelsDir, base.degradation(),
                a -> TfModel.withConfig(session(gpu),
                        () -> new TfAdapters.Degradation(new DegradationForecaster(a, config.fusedLstm()))),
                a -> TfModel.withConfig(session(false),
                        () -> new TfAdapters.Degradation(new DegradationForecaster(a, config.fusedLstm()))),
                notes, failed);
        return new Loaded(new ModelSet(bw, cs, rel, lat, deg), notes, failed);
    }

    /** Loads, smoke-tests and (on GPU) pairs one model with its CPU twin; the baseline on any failure. */
    private <I, O> Predictor<I, O> one(String name, Path modelsDir, Predictor<I, O> baseline,
                                       Function<ModelArtifact, TfAdapters.Smokable<I, O>> make,
                                       Function<ModelArtifact, TfAdapters.Smokable<I, O>> cpuTwin,
                                       List<String> notes, Set<String> failed) {
        TfAdapters.Smokable<I, O> p = null;
        try {
            Optional<Path> dir = resolve(modelsDir, name);
            ModelArtifact a = dir.isPresent() ? ModelArtifact.load(dir.get()) : ModelArtifact.loadDefault(name);
            // The windows the pipeline builds must be the windows the model was trained on.
            int want = name.equals("bandwidth") ? windows.bandwidthLength() : name.equals("latency") ? windows.latencyLength()
                    : name.equals("degradation") ? degradationWindow : a.metadata().window();
            if (a.metadata().window() != want) {
                throw new IllegalStateException("model window " + a.metadata().window() + " != dwcp.windows."
                        + name + "-length " + want);
            }
            p = make.apply(a);
            p.smoke();
            String where = dir.map(Path::toString).orElse("embedded default");
            notes.add(name + ": " + p.name() + "/" + p.version() + " from " + where
                    + (p.engine() != null ? ", graph " + p.engine() : ""));
            if (gpu && cpuTwin != null) {
                TfAdapters.Smokable<I, O> twin = cpuTwin.apply(a);
                return new FallbackPredictor<>(name, p, twin, config.gpuRetryInitial(), config.gpuRetryMax(), registry,
                        System::nanoTime);
            }
            return p;
        } catch (IOException | RuntimeException | LinkageError e) {
            if (p != null) {
                p.close();
            }
            failed.add(name);
            notes.add(name + ": not loaded (" + e.getMessage() + "), serving " + baseline.name());
            return baseline;
        }
    }

    /**
     * A private CPU copy of the forecaster in {@code dir} (empty: the embedded default), validated like a
     * served one (window, smoke inference): what the shadow evaluation runs, off the serving path.
     */
    public Predictor<float[][], io.dwcp.agent.predict.BandwidthForecast> loadForecaster(Optional<Path> dir)
            throws IOException {
        ModelArtifact a = dir.isPresent() ? ModelArtifact.load(dir.get()) : ModelArtifact.loadDefault("bandwidth");
        if (a.metadata().window() != windows.bandwidthLength()) {
            throw new IllegalStateException("model window " + a.metadata().window() + " != dwcp.windows.bandwidth-length "
                    + windows.bandwidthLength());
        }
        TfAdapters.Smokable<float[][], io.dwcp.agent.predict.BandwidthForecast> p =
                TfModel.withConfig(session(false), () -> new TfAdapters.Bandwidth(new BandwidthForecaster(a)));
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

package io.dwcp.agent;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.config.StartupException;
import io.dwcp.agent.demo.Demo;
import io.dwcp.agent.inference.BackendSelector;
import io.dwcp.agent.inference.Backends;
import io.dwcp.agent.inference.InferenceBackend;
import io.dwcp.agent.inference.ModelReloader;
import io.dwcp.agent.ingest.IngestMetrics;
import io.dwcp.agent.ingest.KernelUdpDrops;
import io.dwcp.agent.ingest.UdpIngestServer;
import io.dwcp.agent.ops.SdNotify;
import io.dwcp.agent.ops.StatusLine;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.sink.SocketServer;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires and owns the agent's stages: socket sink, then pipeline worker, then UDP ingest, so that by the
 * time the first datagram is read there is somewhere for its predictions to go. Stops in reverse order:
 * ingest first (nothing new comes in), the worker drains what is queued, the socket flushes.
 *
 * <p>{@code @Context}: built eagerly at startup, so a bad setting or a busy port stops the process
 * before it reports healthy.
 */
@Context
public final class AgentService {
    private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);

    private final AgentConfig config;
    private final SocketServer socket;
    private final Pipeline pipeline;
    private final UdpIngestServer udp;
    private final InetSocketAddress udpAddress;
    private final Demo demo;
    private final String backendName;
    private final ModelReloader reloader;
    private final io.dwcp.agent.ops.GpuHealth gpuHealth;
    private final SdNotify systemd;
    private final io.dwcp.agent.history.HistoryRecorder history;
    private final io.dwcp.agent.shadow.ShadowEvaluator shadow;
    // Held here because Micrometer keeps only a weak reference to a function counter's object: a local
    // was collected at the first GC and the counter froze at 0 while the kernel was dropping datagrams.
    private final KernelUdpDrops kernelDrops;
    private final StatusLine statusLine;
    private final io.dwcp.agent.ops.ThreadScheduling scheduling;

    public AgentService(Environment env, MeterRegistry registry) {
        this(AgentConfig.from(k -> env.getProperty(k, String.class)), BuiltinModels.registry(), registry);
    }

    /** The agent serving {@code models} (the built-in ones, or more in tests). */
    public AgentService(AgentConfig config, ModelRegistry models, MeterRegistry registry) {
        this.config = config;
        for (Map.Entry<String, Object> e : config.describe().entrySet()) {
            LOG.info("config {} = {}", e.getKey(), e.getValue());
        }
        LOG.info("native kernels: {}", io.dwcp.jni.Kernels.describe());
        // TensorFlow reads its log level from the environment when its library loads (issue 18: ~49 native log
        // lines in 45 s of demo). The operator's own TF_CPP_MIN_LOG_LEVEL wins.
        boolean quietTf = false;
        if (System.getenv("TF_CPP_MIN_LOG_LEVEL") == null) {
            quietTf = io.dwcp.jni.NativeEnv.setDefault("TF_CPP_MIN_LOG_LEVEL", "2");
            LOG.info("TensorFlow native logging: {}", quietTf
                    ? "off while models load, then warnings and errors only (TF_CPP_MIN_LOG_LEVEL=0 shows everything)"
                    : "as TensorFlow defaults (the C library that sets TF_CPP_MIN_LOG_LEVEL is unavailable)");
        }
        BackendSelector.Choice choice = BackendSelector.select(config.inference().device(),
                Backends.all(config, models, registry));
        checkModelsDir(config.inference().modelsDir());
        // TensorFlow's absl logging prints on stderr on its first session whatever TF_CPP_MIN_LOG_LEVEL says (two
        // lines); a failure still surfaces as the model's note below.
        InferenceBackend.Loaded loaded = quietTf
                ? io.dwcp.jni.NativeEnv.muteStderr(() -> choice.backend().load(config.inference().modelsDir()))
                : choice.backend().load(config.inference().modelsDir());
        for (String note : loaded.notes()) {
            LOG.info("model {}", note);
        }
        io.micrometer.core.instrument.Gauge.builder("dwcp.inference.backend", () -> 1)
                .tag("backend", choice.backend().name()).tag("device", choice.backend().gpu() ? "gpu" : "cpu")
                .description("the inference backend in use (value is always 1)").register(registry);
        this.backendName = choice.backend().name();
        this.gpuHealth = io.dwcp.agent.ops.GpuHealth.start(registry);
        IngestMetrics ingestMetrics = new IngestMetrics(registry, config.ingest().rejectLogInterval());
        this.scheduling = new io.dwcp.agent.ops.ThreadScheduling(config.scheduling(), registry);
        this.socket = new SocketServer(config.socket(), registry, scheduling);
        this.pipeline = new Pipeline(config, models, loaded.models(), socket, registry, scheduling);
        socket.attach(pipeline);
        this.udp = new UdpIngestServer(config.ingest(), pipeline, ingestMetrics, scheduling);
        socket.start();
        pipeline.start();
        try {
            this.udpAddress = udp.start();
        } catch (RuntimeException e) {
            pipeline.close(Duration.ofSeconds(1));
            socket.close();
            throw e;
        }
        this.kernelDrops = new KernelUdpDrops(udpAddress.getPort());
        FunctionCounter.builder("dwcp.ingest.kernel.drops", kernelDrops, KernelUdpDrops::read)
                .description("datagrams the kernel dropped on our UDP socket (receive buffer full), from /proc/net/udp")
                .register(registry);
        this.reloader = new ModelReloader(choice.backend(), config.inference().modelsDir(), pipeline, 5_000, registry);
        reloader.handleSighup();
        if (config.inference().watchModels()) {
            try {
                reloader.watch();
            } catch (java.io.IOException e) {
                LOG.warn("cannot watch models directory {}: {} (SIGHUP still reloads)", config.inference().modelsDir(),
                        e.toString());
            }
        }
        // Issue 8: record what is ingested, and judge retrained candidates on live traffic.
        java.nio.file.Path modelsDir = config.inference().modelsDir();
        io.dwcp.agent.history.HistoryRecorder rec = null;
        if (config.history().enabled()) {
            try {
                rec = new io.dwcp.agent.history.HistoryRecorder(config.history(), models, registry).start();
            } catch (java.io.IOException e) {
                LOG.error("history recording disabled: cannot use {}: {}", config.history().dir(), e.toString());
            }
        }
        this.history = rec;
        if (config.shadow().enabled() && modelsDir != null
                && choice.backend() instanceof io.dwcp.agent.inference.TensorFlowBackend tf) {
            this.shadow = new io.dwcp.agent.shadow.ShadowEvaluator(config.shadow(), modelsDir,
                    d -> tf.loadCpu(BuiltinModels.BANDWIDTH, d),
                    reloader::reloadNow, registry).start();
        } else {
            this.shadow = null;
            if (config.shadow().enabled() && modelsDir != null) {
                LOG.info("shadow evaluation off: backend {} serves no trained forecaster", backendName);
            }
        }
        Pipeline.Tap tap = Pipeline.Tap.NONE;
        if (history != null) {
            io.dwcp.agent.history.HistoryRecorder h = history;
            tap = (r, in) -> h.record(r);
        }
        if (shadow != null) {
            tap = Pipeline.Tap.both(tap, shadow);
        }
        pipeline.tap(tap);
        this.demo = config.demo().enabled() ? new Demo(config, udpAddress) : null;
        if (demo != null) {
            demo.start();
        }
        LOG.info("dwcp-agent listening: UDP {} → socket {}", udpAddress, config.socket().path());
        this.systemd = SdNotify.fromEnvironment();
        this.statusLine = new StatusLine(registry, () -> pipeline.models().describe(), socket::clients);
    }

    /**
     * systemd Type=notify (issue 6): READY=1 once the management HTTP server is bound too, then STATUS= and a
     * health-gated WATCHDOG=1 (a no-op when NOTIFY_SOCKET is unset). This bean is built before Micronaut binds
     * its HTTP port, so READY=1 sent from the constructor told systemd "started" for an agent that then exited
     * 2 because the port was taken.
     */
    @EventListener
    void onServerStarted(ServerStartupEvent event) {
        String host = event.getSource().getHost();
        try {
            if (!java.net.InetAddress.getByName(host).isLoopbackAddress()) {
                LOG.warn("management HTTP listens on non-loopback address {} (dwcp.management.allow-non-loopback=true): "
                        + "any host that reaches it can read /metrics and /health", host);
            }
        } catch (java.net.UnknownHostException e) {
            LOG.warn("management HTTP host {} does not resolve here: {}", host, e.getMessage());
        }
        LOG.info("dwcp-agent ready: UDP {} → socket {}, management http://{}:{}", udpAddress, config.socket().path(),
                host, event.getSource().getPort());
        systemd.ready(statusLine, this::healthy);
        pipeline.ready();
        // After start-up, whose compiles the nice value would only slow down.
        scheduling.niceJit();
    }

    /**
     * A models directory that is set but missing or unreadable is a mistake (a typo, an unmounted volume):
     * without this check every model would quietly fall back to the embedded default. Read-only is fine:
     * the agent only reads it.
     */
    static void checkModelsDir(Path dir) {
        if (dir == null) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new StartupException("models directory " + dir + (Files.exists(dir)
                    ? " is not a directory" : " does not exist") + " (dwcp.inference.models-dir)", null);
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new StartupException("models directory " + dir + " is not readable (dwcp.inference.models-dir)", null);
        }
    }

    public boolean healthy() {
        return udp.isActive() && socket.isActive() && pipeline.isRunning();
    }

    public String backendName() {
        return backendName;
    }

    public AgentConfig config() {
        return config;
    }

    public InetSocketAddress udpAddress() {
        return udpAddress;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public SocketServer socket() {
        return socket;
    }

    @PreDestroy
    public void stop() {
        systemd.stopping(); // issue 6: tell systemd first, and stop the watchdog
        LOG.info("stopping: ingest, then pipeline drain, then socket flush");
        if (demo != null) {
            demo.close();
        }
        if (shadow != null) {
            shadow.close();
        }
        reloader.close();
        udp.close();
        pipeline.close(Duration.ofSeconds(5));
        if (history != null) {
            history.close(Duration.ofSeconds(3)); // after the drain, so what the worker took is recorded
        }
        socket.close();
        pipeline.models().close();
        gpuHealth.close();
        systemd.close();
    }
}

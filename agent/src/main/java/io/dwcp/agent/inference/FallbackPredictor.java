package io.dwcp.agent.inference;

import io.dwcp.agent.predict.Predictor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GPU predictor with a CPU twin. A device error on the GPU reruns the same batch on CPU (nothing is
 * lost), counts {@code dwcp_inference_device_fallbacks_total}, and keeps the model on CPU for a back-off
 * that doubles per consecutive failure ({@code initialBackoff} up to {@code maxBackoff}); then the GPU is
 * tried again. Errors that are not device errors fail the batch as they would on CPU.
 *
 * <p>Safe for one caller at a time (the model's batcher worker); the state is atomic for metrics readers.
 */
public final class FallbackPredictor<I, O> implements Predictor<I, O> {
    private static final Logger LOG = LoggerFactory.getLogger(FallbackPredictor.class);

    private final String model;
    private final Predictor<I, O> gpu;
    private final Predictor<I, O> cpu;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final LongSupplier clock;
    private final Counter fallbacks;
    private final AtomicLong retryAt = new AtomicLong(Long.MIN_VALUE);
    private long backoff;
    private volatile boolean onGpu = true;

    public FallbackPredictor(String model, Predictor<I, O> gpu, Predictor<I, O> cpu, Duration initialBackoff,
                             Duration maxBackoff, MeterRegistry registry, LongSupplier nanoClock) {
        this.model = model;
        this.gpu = gpu;
        this.cpu = cpu;
        this.initialBackoffNanos = initialBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.backoff = initialBackoffNanos;
        this.clock = nanoClock;
        this.fallbacks = Counter.builder("dwcp.inference.device.fallbacks").tag("model", model)
                .description("batches moved from GPU to CPU after a device error").register(registry);
        io.micrometer.core.instrument.Gauge.builder("dwcp.inference.gpu.active", this, p -> p.onGpu ? 1 : 0)
                .tag("model", model).description("1 while the model runs on the GPU, 0 while on CPU").register(registry);
    }

    @Override
    public String name() {
        return onGpu ? gpu.name() : cpu.name();
    }

    @Override
    public String version() {
        return gpu.version();
    }

    @Override
    public java.util.Optional<io.dwcp.models.features.Scaler> inputScaler() {
        return gpu.inputScaler();
    }

    @Override
    public java.util.Map<String, Object> params() {
        return gpu.params();
    }

    public boolean onGpu() {
        return onGpu;
    }

    @Override
    public List<O> predictBatch(List<I> inputs) {
        long now = clock.getAsLong();
        long at = retryAt.get();
        if (at == Long.MIN_VALUE || now - at >= 0) {
            try {
                List<O> out = gpu.predictBatch(inputs);
                if (!onGpu) {
                    LOG.info("model {}: GPU works again, back on {}", model, gpu.name());
                }
                onGpu = true;
                backoff = initialBackoffNanos;
                retryAt.set(Long.MIN_VALUE);
                return out;
            } catch (RuntimeException e) {
                if (!DeviceErrors.isDeviceError(e)) {
                    throw e;
                }
                fallbacks.increment();
                onGpu = false;
                retryAt.set(now + backoff);
                LOG.warn("model {}: device error on {} ({}); this batch and the next {} ms run on {}", model,
                        gpu.name(), e.toString(), backoff / 1_000_000, cpu.name());
                backoff = Math.min(maxBackoffNanos, backoff * 2);
            }
        }
        return cpu.predictBatch(inputs);
    }

    @Override
    public void close() {
        gpu.close();
        cpu.close();
    }
}

package io.dwcp.agent.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GPU health from NVML (the driver's management library) through the bytedeco CUDA presets: per device,
 * utilisation, memory used/total and temperature as Prometheus gauges, read when scraped (at most once a
 * second per device, so a scrape storm does not hammer the driver).
 *
 * <p>A host without the NVIDIA driver ({@code libnvidia-ml.so.1}) or without the CUDA runtime the presets
 * link against ({@code libcudart.so.13}) is a host without a GPU: {@link #start} never throws, registers
 * {@code dwcp_gpu_nvml_available 0} and keeps the reason for the start-up log. {@code -Ddwcp.gpu.disable=true}
 * (the GPU kill switch) skips NVML too. Thread-safe.
 */
public final class GpuHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuHealth.class);
    private static final long MIN_READ_INTERVAL_NANOS = 1_000_000_000L;

    /** One device's last reading; NaN where NVML refused a value (e.g. no temperature sensor). */
    private record Reading(double utilization, double memoryUsed, double memoryTotal, double temperature) {}

    private final String unavailableCause;
    private final List<Device> devices;

    private GpuHealth(String unavailableCause, List<Device> devices) {
        this.unavailableCause = unavailableCause;
        this.devices = devices;
    }

    /** Probes NVML and registers the gauges; on a host without a GPU only {@code dwcp_gpu_nvml_available 0}. */
    public static GpuHealth start(MeterRegistry registry) {
        return start(registry, io.dwcp.agent.config.AgentKillSwitches.current().gpuDisabled());
    }

    /** As {@link #start(MeterRegistry)}, with the GPU kill switch given (tests). */
    public static GpuHealth start(MeterRegistry registry, boolean gpuDisabled) {
        GpuHealth h = probe(gpuDisabled);
        Gauge.builder("dwcp.gpu.nvml.available", h, x -> x.available() ? 1 : 0)
                .description("1 when NVML answered at start (driver present), else 0 (see the start-up log)")
                .register(registry);
        for (Device d : h.devices) {
            Tags tags = Tags.of("gpu", Integer.toString(d.index), "name", d.name);
            gauge(registry, "dwcp.gpu.utilization.ratio", tags, d, Reading::utilization,
                    "share of the last sample period a kernel ran on the GPU (NVML), 0..1");
            gauge(registry, "dwcp.gpu.memory.used.bytes", tags, d, Reading::memoryUsed, "GPU memory in use (NVML)");
            gauge(registry, "dwcp.gpu.memory.total.bytes", tags, d, Reading::memoryTotal, "GPU memory installed (NVML)");
            gauge(registry, "dwcp.gpu.temperature.celsius", tags, d, Reading::temperature, "GPU core temperature (NVML)");
        }
        if (h.available()) {
            LOG.info("NVML: {} GPU(s): {}", h.devices.size(), h.devices.stream().map(d -> d.index + "=" + d.name).toList());
        } else {
            LOG.info("NVML: no GPU health gauges ({})", h.unavailableCause);
        }
        return h;
    }

    private static void gauge(MeterRegistry registry, String name, Tags tags, Device d, ToDoubleFunction<Reading> f,
                              String help) {
        Gauge.builder(name, d, x -> f.applyAsDouble(x.read())).tags(tags).description(help).register(registry);
    }

    public boolean available() {
        return unavailableCause == null;
    }

    /** Why there are no GPU gauges; null when NVML works. */
    public String unavailableCause() {
        return unavailableCause;
    }

    public int deviceCount() {
        return devices.size();
    }

    private static GpuHealth probe(boolean gpuDisabled) {
        if (gpuDisabled) {
            return new GpuHealth("disabled by -Ddwcp.gpu.disable=true", List.of());
        }
        if (GpuHealth.class.getClassLoader().getResource("org/bytedeco/cuda/global/nvml.class") == null) {
            return new GpuHealth("the CUDA presets are not in this build (the edge package is for CPU-only hosts)", List.of());
        }
        try {
            return Nvml.open();
        } catch (LinkageError | RuntimeException e) {
            // UnsatisfiedLinkError / NoClassDefFoundError: no driver, no CUDA runtime, or the presets not packaged.
            return new GpuHealth("cannot load NVML through the CUDA presets (needs the NVIDIA driver's libnvidia-ml.so.1 and the"
                    + " CUDA 13 runtime libcudart.so.13): " + e, List.of());
        }
    }

    @Override
    public void close() {
        if (available()) {
            try {
                Nvml.shutdown();
            } catch (LinkageError | RuntimeException e) {
                LOG.debug("nvmlShutdown failed: {}", e.toString());
            }
        }
    }

    /** One GPU: its NVML handle and a cached reading. */
    private static final class Device {
        final int index;
        final String name;
        final Object handle; // org.bytedeco.cuda.nvml.nvmlDevice_st, kept as Object so this class loads without the presets
        private Reading last = new Reading(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        private long readAt = Long.MIN_VALUE;

        Device(int index, String name, Object handle) {
            this.index = index;
            this.name = name;
            this.handle = handle;
        }

        synchronized Reading read() {
            long now = System.nanoTime();
            if (readAt == Long.MIN_VALUE || now - readAt >= MIN_READ_INTERVAL_NANOS) {
                try {
                    last = Nvml.read(handle);
                } catch (LinkageError | RuntimeException e) {
                    last = new Reading(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
                }
                readAt = now;
            }
            return last;
        }
    }

    /** Everything that touches the presets' classes, so a missing jar fails here and nowhere else. */
    private static final class Nvml {
        static GpuHealth open() {
            int rc = org.bytedeco.cuda.global.nvml.nvmlInit_v2();
            if (rc != org.bytedeco.cuda.global.nvml.NVML_SUCCESS) {
                return new GpuHealth("nvmlInit failed: " + error(rc), List.of());
            }
            int[] count = new int[1];
            rc = org.bytedeco.cuda.global.nvml.nvmlDeviceGetCount_v2(count);
            if (rc != org.bytedeco.cuda.global.nvml.NVML_SUCCESS) {
                return new GpuHealth("nvmlDeviceGetCount failed: " + error(rc), List.of());
            }
            if (count[0] == 0) {
                return new GpuHealth("NVML lists no GPU", List.of());
            }
            List<Device> out = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                org.bytedeco.javacpp.PointerPointer<org.bytedeco.cuda.nvml.nvmlDevice_st> pp =
                        new org.bytedeco.javacpp.PointerPointer<>(1);
                rc = org.bytedeco.cuda.global.nvml.nvmlDeviceGetHandleByIndex_v2(i, pp);
                if (rc != org.bytedeco.cuda.global.nvml.NVML_SUCCESS) {
                    LOG.warn("NVML: no handle for GPU {}: {}", i, error(rc));
                    continue;
                }
                org.bytedeco.cuda.nvml.nvmlDevice_st h = pp.get(org.bytedeco.cuda.nvml.nvmlDevice_st.class, 0);
                byte[] name = new byte[96];
                String n = org.bytedeco.cuda.global.nvml.nvmlDeviceGetName(h, name, name.length)
                        == org.bytedeco.cuda.global.nvml.NVML_SUCCESS ? cString(name) : "gpu" + i;
                out.add(new Device(i, n, h));
            }
            return new GpuHealth(null, List.copyOf(out));
        }

        static Reading read(Object handle) {
            org.bytedeco.cuda.nvml.nvmlDevice_st h = (org.bytedeco.cuda.nvml.nvmlDevice_st) handle;
            int ok = org.bytedeco.cuda.global.nvml.NVML_SUCCESS;
            double util = Double.NaN, used = Double.NaN, total = Double.NaN, temp = Double.NaN;
            try (org.bytedeco.cuda.nvml.nvmlUtilization_t u = new org.bytedeco.cuda.nvml.nvmlUtilization_t();
                 org.bytedeco.cuda.nvml.nvmlMemory_t m = new org.bytedeco.cuda.nvml.nvmlMemory_t()) {
                if (org.bytedeco.cuda.global.nvml.nvmlDeviceGetUtilizationRates(h, u) == ok) {
                    util = u.gpu() / 100.0;
                }
                if (org.bytedeco.cuda.global.nvml.nvmlDeviceGetMemoryInfo(h, m) == ok) {
                    used = m.used();
                    total = m.total();
                }
            }
            int[] t = new int[1];
            if (org.bytedeco.cuda.global.nvml.nvmlDeviceGetTemperature(h, org.bytedeco.cuda.global.nvml.NVML_TEMPERATURE_GPU, t) == ok) {
                temp = t[0];
            }
            return new Reading(util, used, total, temp);
        }

        static void shutdown() {
            org.bytedeco.cuda.global.nvml.nvmlShutdown();
        }

        private static String error(int rc) {
            return org.bytedeco.cuda.global.nvml.nvmlErrorString(rc).getString() + " (" + rc + ")";
        }

        private static String cString(byte[] b) {
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}

package io.dwcp.agent.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.predict.Predictor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FallbackPredictorTest {
    static final class Fake implements Predictor<Integer, String> {
        final String tag;
        final AtomicInteger calls = new AtomicInteger();
        volatile RuntimeException fail;

        Fake(String tag) {
            this.tag = tag;
        }

        @Override
        public String name() {
            return tag;
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<String> predictBatch(List<Integer> in) {
            calls.incrementAndGet();
            if (fail != null) {
                throw fail;
            }
            return in.stream().map(i -> tag + i).toList();
        }
    }

    @Test
    void deviceErrorRerunsTheSameBatchOnCpuThenRetriesGpuAfterBackoff() {
        Fake gpu = new Fake("gpu");
        Fake cpu = new Fake("cpu");
        AtomicLong clock = new AtomicLong();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        FallbackPredictor<Integer, String> p = new FallbackPredictor<>("bandwidth", gpu, cpu, Duration.ofSeconds(1),
                Duration.ofSeconds(8), reg, clock::get);
        assertEquals(List.of("gpu1"), p.predictBatch(List.of(1)));
        gpu.fail = new RuntimeException("CUDA_ERROR_OUT_OF_MEMORY: out of memory");
        assertEquals(List.of("cpu2", "cpu3"), p.predictBatch(List.of(2, 3)), "batch not lost");
        assertFalse(p.onGpu());
        assertEquals(1, reg.get("dwcp.inference.device.fallbacks").counter().count());
        int gpuCalls = gpu.calls.get();
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        p.predictBatch(List.of(4));
        assertEquals(gpuCalls, gpu.calls.get(), "inside the back-off the GPU is not tried");
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        assertEquals(List.of("cpu5"), p.predictBatch(List.of(5)), "GPU tried again, still failing");
        assertEquals(gpuCalls + 1, gpu.calls.get());
        clock.addAndGet(Duration.ofMillis(1500).toNanos());
        p.predictBatch(List.of(6));
        assertEquals(gpuCalls + 1, gpu.calls.get(), "back-off doubled to 2 s");
        gpu.fail = null;
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(List.of("gpu7"), p.predictBatch(List.of(7)));
        assertTrue(p.onGpu());
    }

    @Test
    void nonDeviceErrorsFailTheBatch() {
        Fake gpu = new Fake("gpu");
        gpu.fail = new IllegalArgumentException("window has 3 steps, expected 10");
        FallbackPredictor<Integer, String> p = new FallbackPredictor<>("m", gpu, new Fake("cpu"), Duration.ofSeconds(1),
                Duration.ofSeconds(8), new SimpleMeterRegistry(), System::nanoTime);
        assertThrows(IllegalArgumentException.class, () -> p.predictBatch(List.of(1)));
    }

    @Test
    void classifiesDeviceErrors() {
        assertTrue(DeviceErrors.isDeviceError(new RuntimeException("wrap", new RuntimeException("OOM when allocating tensor"))));
        assertTrue(DeviceErrors.isDeviceError(new DeviceErrors.DeviceException("lost", null)));
        assertFalse(DeviceErrors.isDeviceError(new IllegalArgumentException("bad shape")));
        assertFalse(DeviceErrors.isDeviceError(new OutOfMemoryError("Java heap space")));
    }
}

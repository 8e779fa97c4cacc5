package io.dwcp.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.inference.GpuProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NVML gauges: on a host without a driver the probe answers "no GPU" with a reason and never throws. */
class GpuHealthTest {
    @Test
    void noDriverMeansNoGaugesAndAReason() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (GpuHealth h = GpuHealth.start(reg)) {
            double flag = reg.get("dwcp.gpu.nvml.available").gauge().value();
            if (Files.exists(Path.of("/dev/nvidiactl")) && GpuProbe.result().available()) {
                // A GPU host: NVML must list the devices and give finite memory figures.
                assertTrue(h.available(), h.unavailableCause());
                assertEquals(1.0, flag);
                assertTrue(h.deviceCount() > 0);
                assertTrue(reg.get("dwcp.gpu.memory.total.bytes").gauge().value() > 0);
            } else {
                assertFalse(h.available());
                assertNotNull(h.unavailableCause());
                assertEquals(0.0, flag);
                assertEquals(0, h.deviceCount());
                assertTrue(reg.find("dwcp.gpu.temperature.celsius").gauges().isEmpty());
            }
        }
    }

    @Test
    void killSwitchSkipsNvml() {
        // The switch is read once per JVM (config.KillSwitches); here it is handed over as if set.
        try (GpuHealth h = GpuHealth.start(new SimpleMeterRegistry(), true)) {
            assertFalse(h.available());
            assertTrue(h.unavailableCause().contains("dwcp.gpu.disable"), h.unavailableCause());
        }
    }
}

package io.dwcp.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    @Test
    void measuresDistanceFromTrainingCentreInTrainingSpreads() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        FeatureSchema schema = new FeatureSchema("m", List.of("a", "b"), 1);
        AtomicReference<Scaler> s = new AtomicReference<>();
        DriftMonitor d = new DriftMonitor("m", schema, s::get, reg);
        d.observe(new float[] {1, 1});
        assertTrue(Double.isNaN(reg.get("dwcp.feature.drift").tag("feature", "a").gauge().value()), "no scaler: NaN");
        s.set(new Scaler(Scaler.Kind.ROBUST, new boolean[2], new double[] {100, 10}, new double[] {10, 5}));
        for (int i = 0; i < 20_000; i++) {
            d.observe(new float[] {100, 20}); // a at the centre; b two spreads above
        }
        assertEquals(0.0, reg.get("dwcp.feature.drift").tag("feature", "a").gauge().value(), 1e-9);
        assertEquals(2.0, reg.get("dwcp.feature.drift").tag("feature", "b").gauge().value(), 1e-9);
    }
}

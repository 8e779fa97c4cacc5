package io.dwcp.models.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Headroom coordinates, and their clamp to the range the shipped degradation model was trained on. */
class DegradationFeaturesTest {
    static float[] transform(double bw, double lat, double loss, double sloLat, double sloBw, double sloErr) {
        float[] out = new float[DegradationFeatures.FEATURES];
        DegradationFeatures.transform(new float[] {(float) bw, (float) lat, (float) loss, 1, 6, 0}, sloLat, sloBw, sloErr, out, 0);
        return out;
    }

    @Test
    void insideTheTrainingRangeTheCoordinatesAreLogRatios() {
        float[] h = transform(300, 50, 0.001, 100, 150, 0.02);
        assertEquals(Math.log(0.5), h[0], 1e-6);
        assertEquals(Math.log(0.5), h[1], 1e-6);
        assertEquals(Math.log(0.0011 / 0.0201) / 3, h[2], 1e-6);
        assertEquals(1, h[3], 1e-6); // sin(2π·6/24)
        assertEquals(0, h[4], 1e-6);
    }

    @Test
    void farFromOrFarBeyondTheSloIsClampedToWhatTrainingSaw() {
        // 800 Mbit/s against a 10 Mbit/s floor, 1 ms against 200 ms, no loss against a 50 % ceiling: all "as safe
        // as ever seen" (with a 2 % ceiling no loss is −1.77, inside the range).
        float[] safe = transform(800, 1, 0, 200, 10, 0.5);
        assertEquals(DegradationFeatures.LOW[0], safe[0], 1e-6);
        assertEquals(DegradationFeatures.LOW[1], safe[1], 1e-6);
        assertEquals(DegradationFeatures.LOW[2], safe[2], 1e-6);
        // Ten times the latency ceiling, a hundredth of the floor, total loss: clamped at the top.
        float[] bad = transform(0.1, 1000, 1, 100, 10, 0.02);
        assertEquals(DegradationFeatures.HIGH[0], bad[0], 1e-6);
        assertEquals(DegradationFeatures.HIGH[1], bad[1], 1e-6);
        assertEquals(DegradationFeatures.HIGH[2], bad[2], 1e-6);
    }

    @Test
    void aWideClampKeepsWhatTheNarrowOneCutsAndStillBoundsAZeroSample() {
        float[] out = new float[DegradationFeatures.FEATURES];
        // The agent's default 10 Mbit/s floor on an 800 Mbit/s link: -4.38, inside the wide range.
        DegradationFeatures.transform(new float[] {800, 2, 0, 1, 0, 0}, 200, 10, 0.02, out, 0, DegradationFeatures.Clamp.WIDE);
        assertEquals(Math.log(10.0 / 800), out[1], 1e-6);
        assertEquals(Math.log(2.0 / 200), out[0], 1e-6);
        // A zero-throughput sample: ln(10 / 1e-6) = 16 is cut to the wide bound.
        DegradationFeatures.transform(new float[] {0, 1, 0, 1, 0, 0}, 200, 10, 0.02, out, 0, DegradationFeatures.Clamp.WIDE);
        assertEquals(DegradationFeatures.Clamp.WIDE.high()[1], out[1], 1e-6);
    }

    @Test
    void aModelNamesItsClampInItsParamsAndNoneMeansNarrow() {
        DegradationFeatures.Clamp c = DegradationFeatures.Clamp.of(Map.of(DegradationFeatures.Clamp.PARAM,
                DegradationFeatures.Clamp.WIDE.toParam()));
        assertArrayEquals(DegradationFeatures.Clamp.WIDE.low(), c.low());
        assertArrayEquals(DegradationFeatures.Clamp.WIDE.high(), c.high());
        assertSame(DegradationFeatures.Clamp.NARROW, DegradationFeatures.Clamp.of(Map.of("horizon", 30)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DegradationFeatures.Clamp.of(
                Map.of(DegradationFeatures.Clamp.PARAM, Map.of("low", List.of(1, 2, 3), "high", List.of(0, 3, 4)))));
        assertEquals("headroom clamp 0: low 1.0 >= high 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DegradationFeatures.Clamp.of(Map.of(DegradationFeatures.Clamp.PARAM, "wide")));
    }
}

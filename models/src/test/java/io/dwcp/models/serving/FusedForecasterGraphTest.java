package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused serving graph must give the SavedModel's forecasts for the shipped forecaster. */
class FusedForecasterGraphTest {
    @Test
    void fusedForecasterMatchesSavedModel() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("bandwidth");
        try (BandwidthForecaster plain = new BandwidthForecaster(a, false);
             BandwidthForecaster fused = new BandwidthForecaster(a, true)) {
            assertEquals("savedmodel", plain.engine());
            assertTrue(fused.engine().startsWith("fused-lstm"), fused.engine());
            SplittableRandom r = new SplittableRandom(5);
            for (int batch : new int[] {1, 3, 64, 129}) {
                float[][][] x = new float[batch][10][];
                for (int i = 0; i < batch; i++) {
                    double base = 1 + 5000 * r.nextDouble();
                    for (int t = 0; t < 10; t++) {
                        x[i][t] = new float[] {(float) (base * (0.8 + 0.4 * r.nextDouble())), (float) (1 + 200 * r.nextDouble()),
                            (float) (0.01 * r.nextDouble()), (float) (10 * r.nextDouble()), (float) (24 * r.nextDouble()), r.nextInt(7)};
                    }
                }
                float[][] want = plain.predict(x);
                float[][] got = fused.predict(x);
                for (int i = 0; i < batch; i++) {
                    for (int j = 0; j < want[i].length; j++) {
                        assertEquals(want[i][j], got[i][j], 1e-4 * Math.max(1, Math.abs(want[i][j])),
                                "batch " + batch + " row " + i + " output " + j);
                    }
                }
            }
        }
    }
}

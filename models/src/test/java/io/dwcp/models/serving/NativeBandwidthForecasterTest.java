package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.NativeCpu;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.features.LinkFeatures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped forecaster without TensorFlow computes what it computes with TensorFlow, from the same raw
 * windows (transforms included), on the C kernels and on the pure-Java twin: within 1e-4 relative.
 */
class NativeBandwidthForecasterTest {
    static float[][][] windows(int n) {
        List<float[][]> out = new ArrayList<>();
        for (LinkSeries s : SyntheticLinks.generate(8, 400, 11)) {
            double[][] r = s.rows();
            for (int t = 10; t < r.length && out.size() < n; t += 37) {
                float[][] w = new float[10][];
                for (int k = 0; k < 10; k++) {
                    double[] x = r[t - 10 + k];
                    w[k] = LinkFeatures.rawRow(x[0], x[1], x[2], x[3], 1_764_000_000_000L + (t - 10 + k) * 60_000L);
                }
                out.add(w);
            }
        }
        return out.toArray(new float[0][][]);
    }

    static void assertClose(float[][] want, float[][] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < 4; j++) {
                double tol = 1e-4 * Math.max(1, Math.abs(want[i][j]));
                assertEquals(want[i][j], got[i][j], tol, "window " + i + " output " + j);
            }
        }
    }

    @Test
    void nativeAndJavaNetworksEqualTensorFlow() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("bandwidth");
        float[][][] w = windows(64);
        float[][] tf;
        try (BandwidthForecaster f = new BandwidthForecaster(a, false)) {
            tf = f.predict(w);
        }
        try (NativeBandwidthForecaster j = new NativeBandwidthForecaster(a, Implementation.JAVA)) {
            assertClose(tf, j.predict(w));
            assertEquals("native-java", j.engine());
        }
        if (NativeCpu.isAvailable()) {
            try (NativeBandwidthForecaster c = new NativeBandwidthForecaster(a, Implementation.C)) {
                assertClose(tf, c.predict(w));
                assertTrue(c.engine().startsWith("native-c"), c.engine());
            }
        }
    }
}

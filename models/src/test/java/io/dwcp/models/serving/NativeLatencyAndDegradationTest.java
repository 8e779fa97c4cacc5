package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.models.data.ConsensusSeries;
import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticConsensus;
import io.dwcp.models.data.SyntheticLinks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latency detector and the degradation forecaster on the native kernels compute what they compute on
 * TensorFlow's SavedModel, from the same raw windows (transforms included): within 1e-4 relative.
 */
class NativeLatencyAndDegradationTest {
    static void close(double want, double got, String what) {
        assertEquals(want, got, 1e-4 * Math.max(1, Math.abs(want)), what);
    }

    static float[][] window(double[][] rows, int from, int len) {
        float[][] w = new float[len][];
        for (int t = 0; t < len; t++) {
            double[] r = rows[from + t];
            w[t] = new float[r.length];
            for (int j = 0; j < r.length; j++) {
                w[t][j] = (float) r[j];
            }
        }
        return w;
    }

    @Test
    void latencyDetector() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("latency");
        int win = a.metadata().window();
        List<float[][]> ws = new ArrayList<>();
        for (ConsensusSeries s : SyntheticConsensus.generate(3, 300, 21)) {
            for (int t = 0; t + win <= s.rows().length && ws.size() < 40; t += 23) {
                ws.add(window(s.rows(), t, win));
            }
        }
        float[][][] w = ws.toArray(new float[0][][]);
        try (LatencyDetector tf = new LatencyDetector(a); LatencyDetector nat = LatencyDetector.onNativeKernels(a)) {
            LatencyDetector.Detection[] x = tf.detect(w);
            LatencyDetector.Detection[] y = nat.detect(w);
            for (int i = 0; i < x.length; i++) {
                close(x[i].error(), y[i].error(), "error " + i);
                assertEquals(x[i].severity(), y[i].severity(), "severity " + i);
            }
        }
    }

    @Test
    void degradationForecaster() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        List<float[][]> ws = new ArrayList<>();
        for (LinkSeries s : SyntheticLinks.generate(4, 400, 31)) {
            for (int t = 0; t + 60 <= s.rows().length && ws.size() < 32; t += 41) {
                ws.add(window(s.rows(), t, 60));
            }
        }
        float[][][] w = ws.toArray(new float[0][][]);
        DegradationSeries.Slo slo = new DegradationSeries.Slo(200, 10, 0.02);
        try (DegradationForecaster tf = new DegradationForecaster(a, false);
             DegradationForecaster nat = DegradationForecaster.onNativeKernels(a)) {
            DegradationForecaster.Forecast[] x = tf.predict(w, slo);
            DegradationForecaster.Forecast[] y = nat.predict(w, slo);
            for (int i = 0; i < x.length; i++) {
                close(x[i].probability(), y[i].probability(), "probability " + i);
                for (int h = 0; h < x[i].latencyMs().length; h++) {
                    close(x[i].latencyMs()[h], y[i].latencyMs()[h], "latency " + i + "/" + h);
                    close(x[i].throughputMbps()[h], y[i].throughputMbps()[h], "throughput " + i + "/" + h);
                }
            }
        }
    }
}

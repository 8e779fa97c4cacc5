package io.dwcp.agent.predict;

import io.dwcp.models.features.Schemas;
import java.util.ArrayList;
import java.util.List;

/**
 * The classic forecasts, applied to each of bandwidth, latency, loss and jitter: last value, harmonic
 * mean of the last 5 (what MPC/Pensieve use for throughput: robust to spikes), and EWMA. They are the
 * fallback when no trained forecaster loads and the comparison in benchmarks.
 *
 * <p>Confidence is {@code 1 - cv} of the window's bandwidth (coefficient of variation), clamped to
 * [0,1]: a steady link is predictable, a jumpy one less so. Stateless, safe for concurrent calls.
 */
public final class BaselineForecaster implements Predictor<float[][], BandwidthForecast> {
    /** Which rule. */
    public enum Kind {
        LAST_VALUE("baseline-last-value"),
        HARMONIC_MEAN_5("baseline-harmonic-mean-5"),
        EWMA("baseline-ewma");

        final String id;

        Kind(String id) {
            this.id = id;
        }
    }

    private static final int BW = Schemas.BANDWIDTH.indexOf("bandwidth_mbps");
    private static final int[] TARGETS = {
        BW, Schemas.BANDWIDTH.indexOf("latency_ms"), Schemas.BANDWIDTH.indexOf("packet_loss"),
        Schemas.BANDWIDTH.indexOf("jitter_ms")
    };
    private static final double EWMA_ALPHA = 0.3;

    private final Kind kind;

    public BaselineForecaster(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.id;
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<BandwidthForecast> predictBatch(List<float[][]> windows) {
        List<BandwidthForecast> out = new ArrayList<>(windows.size());
        for (float[][] w : windows) {
            out.add(predict(w));
        }
        return out;
    }

    public BandwidthForecast predict(float[][] w) {
        if (w.length == 0) {
            throw new IllegalArgumentException("empty window");
        }
        double[] p = new double[TARGETS.length];
        for (int t = 0; t < TARGETS.length; t++) {
            p[t] = forecast(w, TARGETS[t]);
        }
        return new BandwidthForecast(p[0], p[1], p[2], p[3], confidence(w));
    }

    private double forecast(float[][] w, int f) {
        int n = w.length;
        switch (kind) {
            case LAST_VALUE:
                return w[n - 1][f];
            case HARMONIC_MEAN_5: {
                int k = Math.min(5, n);
                double inv = 0;
                for (int i = n - k; i < n; i++) {
                    // A zero (link down, no loss) makes the harmonic mean zero; floor it to stay defined.
                    inv += 1.0 / Math.max(w[i][f], 1e-9);
                }
                double h = k / inv;
                return h < 1e-6 ? 0 : h;
            }
            default: {
                double e = w[0][f];
                for (int i = 1; i < n; i++) {
                    e = EWMA_ALPHA * w[i][f] + (1 - EWMA_ALPHA) * e;
                }
                return e;
            }
        }
    }

    static double confidence(float[][] w) {
        int n = w.length;
        if (n < 2) {
            return 0.5;
        }
        double mean = 0;
        for (float[] row : w) {
            mean += row[BW];
        }
        mean /= n;
        if (mean <= 0) {
            return 0;
        }
        double var = 0;
        for (float[] row : w) {
            double d = row[BW] - mean;
            var += d * d;
        }
        double cv = Math.sqrt(var / (n - 1)) / mean;
        return Stats.clamp01(1 - cv);
    }
}

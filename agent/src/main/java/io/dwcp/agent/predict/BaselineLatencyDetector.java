package io.dwcp.agent.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Consensus-latency fallback: robust z-scores of the window's newest step against its earlier steps. The
 * "error" is the largest |z| and the threshold the z cut-off, so severities mean the same as the
 * autoencoder's (1×, 2×, 5× the threshold); contributions are each feature's share of the summed |z|.
 */
public final class BaselineLatencyDetector implements Predictor<float[][], LatencyVerdict> {
    private final RobustZScoreDetector z;

    public BaselineLatencyDetector(RobustZScoreDetector z) {
        this.z = z;
    }

    @Override
    public String name() {
        return "baseline-robust-z";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<LatencyVerdict> predictBatch(List<float[][]> windows) {
        List<LatencyVerdict> out = new ArrayList<>(windows.size());
        for (float[][] w : windows) {
            double[] s = z.zScores(w);
            double sum = 0;
            double max = 0;
            for (double v : s) {
                if (!Double.isNaN(v)) {
                    sum += v;
                    max = Math.max(max, v);
                }
            }
            double[] contrib = new double[s.length];
            for (int j = 0; j < s.length; j++) {
                contrib[j] = sum > 0 && !Double.isNaN(s[j]) ? s[j] / sum : 0;
            }
            double t = z.threshold();
            Severity sev = Severity.ofRatio(max / t);
            out.add(new LatencyVerdict(sev != Severity.NONE, max, t, sev, Stats.clamp01(max / (max + t)), contrib));
        }
        return out;
    }
}

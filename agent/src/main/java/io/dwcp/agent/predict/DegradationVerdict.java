package io.dwcp.agent.predict;

/**
 * One link's degradation forecast against {@code slo}: probability that the SLO is breached within the horizon, the warning
 * decision, forecast latency (ms), throughput (Mbit/s) and error rate (packet loss) for steps 1..horizon,
 * the attention weight of each input step (oldest first; empty for the baseline, which has none) and a
 * confidence in [0, 1] (how far the probability is from the decision threshold). Immutable by convention.
 */
public record DegradationVerdict(io.dwcp.models.data.DegradationSeries.Slo slo, double probability, boolean degrading, double threshold, double[] latencyMs,
                                  double[] throughputMbps, double[] errorRate, double[] attention, double confidence) {

    /** {@code 0.5} at the threshold, rising to 1 at probability 0 or 1. */
    public static double confidence(double p, double threshold) {
        double span = p >= threshold ? 1 - threshold : threshold;
        return span <= 0 ? 1 : Math.min(1, 0.5 + 0.5 * Math.abs(p - threshold) / span);
    }
}

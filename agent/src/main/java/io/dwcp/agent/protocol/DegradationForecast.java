package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Degradation forecast for one link: the probability that the SLO ({@code slo}) is breached within the
 * next {@code horizon_steps} link samples, the warning decision ({@code is_degrading}: probability at or
 * above {@code threshold}), the forecast latency (ms), throughput (Mbit/s) and error rate (packet loss) for
 * steps 1..horizon, and the {@link #TOP_ATTENTION} input steps the model attended to most
 * ({@code steps_ago} 0 = the newest sample; empty for the trend baseline, which has no attention).
 *
 * <p>Issue 19: {@code source} says which predictor the figures come from, {@code model} or {@code trend}: per link,
 * whichever scored the lower Brier score on the link's recent resolved forecasts serves ({@code recent_brier},
 * null until scored).
 */
@JsonPropertyOrder({"v", "type", "node_id", "peer_id"})
public record DegradationForecast(
        String node_id,
        String peer_id,
        double probability,
        boolean is_degrading,
        double threshold,
        Slo slo,
        int horizon_steps,
        double[] forecast_latency_ms,
        double[] forecast_throughput_mbps,
        double[] forecast_error_rate,
        List<AttentionStep> attention,
        double confidence,
        String model_version,
        String prediction_time,
        String sample_timestamp,
        String source,
        Double recent_brier) implements Event {
    public static final String TYPE = "degradation_forecast";
    public static final int TOP_ATTENTION = 5;

    /** The SLO judged: latency ceiling, throughput floor, error-rate ceiling (each on a 5-sample mean). */
    public record Slo(double latency_ms, double throughput_mbps, double error_rate) {}

    /** One input step and its attention weight (weights over all steps sum to 1). */
    public record AttentionStep(int steps_ago, double weight) {}

    /** The {@code k} highest weights of {@code w} (oldest step first), heaviest first. */
    public static List<AttentionStep> top(double[] w, int k) {
        Integer[] idx = new Integer[w.length];
        for (int i = 0; i < w.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(w[b], w[a]));
        List<AttentionStep> out = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(k, w.length); i++) {
            out.add(new AttentionStep(w.length - 1 - idx[i], w[idx[i]]));
        }
        return out;
    }

    @Override
    public String type() {
        return TYPE;
    }
}

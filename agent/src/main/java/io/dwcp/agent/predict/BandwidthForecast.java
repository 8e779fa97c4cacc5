package io.dwcp.agent.predict;

/** Next-step forecast of one link; confidence in [0,1]. */
public record BandwidthForecast(double bandwidthMbps, double latencyMs, double packetLoss, double jitterMs,
                                double confidence) {}

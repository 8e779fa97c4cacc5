package io.dwcp.agent.predict;

/** Consensus-latency verdict: error vs threshold and each feature's share of the error (sums to 1). */
public record LatencyVerdict(boolean anomaly, double error, double threshold, Severity severity,
                             double confidence, double[] contributions) {}

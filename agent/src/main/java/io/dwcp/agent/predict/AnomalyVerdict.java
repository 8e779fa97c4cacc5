package io.dwcp.agent.predict;

/**
 * One node's anomaly verdict. {@code feature} is the index (in the measurement's field order) of the metric
 * that deviated most; {@code deviation} is in the detector's unit; {@code score} in [0,1].
 */
public record AnomalyVerdict(boolean anomaly, double score, int feature, double value, double expected,
                             double deviation, Severity severity, double confidence) {}

package io.dwcp.agent.predict;

/**
 * The five predictors the pipeline serves at one moment. Immutable: a reload builds a new set and swaps
 * the reference, so a batch always runs against one consistent set.
 */
public record ModelSet(
        Predictor<float[][], BandwidthForecast> bandwidth,
        Predictor<float[], CompressionDecision> compression,
        Predictor<float[][], AnomalyVerdict> reliability,
        Predictor<float[][], LatencyVerdict> latency,
        Predictor<DegradationInput, DegradationVerdict> degradation) implements AutoCloseable {

    /** History rows the robust z-score wants before it judges a node. */
    public static final int BASELINE_MIN_HISTORY = 8;

    /** The classic baselines: what runs when no trained model is present. */
    public static ModelSet baselines() {
        // The verdict is the worst of 9 (reliability) or 12 (latency) features, so the per-feature textbook
        // cut-off of 3.5 would fire on noise several times an hour; 5.0 keeps the max-of-many honest.
        return new ModelSet(
                new BaselineForecaster(BaselineForecaster.Kind.HARMONIC_MEAN_5),
                new AnalyticCompressionSelector(),
                new RobustZScoreDetector(5.0, BASELINE_MIN_HISTORY),
                new BaselineLatencyDetector(new RobustZScoreDetector(5.0, BASELINE_MIN_HISTORY)),
                new TrendDegradationForecaster());
    }

    @Override
    public void close() {
        bandwidth.close();
        compression.close();
        reliability.close();
        latency.close();
        degradation.close();
    }
}

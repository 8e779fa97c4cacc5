package io.dwcp.models.train;

/**
 * One model's training pipeline: data, fit, threshold on validation, test evaluation, export, report.
 * Implementations are stateless; {@link #train} may run concurrently with other trainers.
 */
public interface ModelTrainer {
    /** bandwidth, compression, reliability or latency. */
    String name();

    TrainResult train(TrainConfig config, Progress progress) throws Exception;
}

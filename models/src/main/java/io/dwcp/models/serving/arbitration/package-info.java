/**
 * Per-key runtime guarantees for forecasts (issue 14), in pure Java (no TensorFlow): {@link
 * io.dwcp.models.serving.arbitration.OnlineArbiter} serves, per key (a link), the candidate predictor with the
 * lowest recent error, with hysteresis; {@link io.dwcp.models.serving.arbitration.IntervalCalibrator} puts a
 * calibrated interval around the served forecast; {@link io.dwcp.models.serving.arbitration.NaivePredictors} are
 * the baselines the model competes with. {@code evaluate --traces} runs the same classes offline.
 */
package io.dwcp.models.serving.arbitration;

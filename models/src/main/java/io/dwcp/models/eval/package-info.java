/**
 * Metrics (confusion, ROC AUC, average precision, MAPE, ...) and threshold selection, which only ever receives validation
 * scores, plus the trend-extrapolation baseline the degradation forecaster is compared with, and the issue-19
 * protocol on real throughput series ({@code DegradationProtocol}) with its side-by-side comparison and bootstrap
 * ({@code DegradationComparison}). Depends on {@code features} and on {@code data}'s SLO record.
 */
package io.dwcp.models.eval;

/**
 * Metrics (confusion, ROC AUC, average precision, MAPE, ...) and threshold selection, which only ever receives validation
 * scores, plus the trend-extrapolation baseline the degradation forecaster is compared with. Depends only
 * on {@code features}.
 */
package io.dwcp.models.eval;

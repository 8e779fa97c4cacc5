/**
 * One trainer per model: data splits (by series, never by row), fit, thresholds on validation data, metrics
 * on the held-out test split through the exported artifact, export and reports; plus retraining the forecaster
 * from recorded history ({@code Retrainer}). Depends on every package below the CLI; only {@code cli} depends on it.
 */
package io.dwcp.models.train;

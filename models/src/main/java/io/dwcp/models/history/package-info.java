/**
 * The recorded-history file format ({@code models/HISTORY.md}): the agent writes it with
 * {@code HistoryWriter}, {@code retrain} reads it back into {@code data} series with
 * {@code HistoryReader}. Owns the byte layout, its checks and the feature order it records. Depends on
 * {@code features}, {@code data} and {@code json}.
 */
package io.dwcp.models.history;

package io.dwcp.models.history;

/**
 * One recorded sample: the window key ({@code node->peer} for links, the node id otherwise), its epoch-ms
 * timestamp and the model's raw features in schema order. Immutable by convention (the array is not copied).
 */
public record HistoryRow(String key, long timestampMillis, float[] values) {}

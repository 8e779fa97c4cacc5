package io.dwcp.agent.ingest;

/** The hand-off from the I/O loop to the prediction worker. Bounded: {@code offer} never blocks. */
public interface RecordQueue {
    /** @return false when full; the caller counts the drop */
    boolean offer(MetricRecord record);
}

package io.dwcp.agent.ingest;

/** Where a decoder puts what it parsed. Called on the I/O thread: implementations must not block. */
public interface RecordSink {
    void accept(MetricRecord record);

    /** A line or object dropped, with the reason and a short detail for the rate-limited log. */
    void reject(RejectReason reason, String detail);
}

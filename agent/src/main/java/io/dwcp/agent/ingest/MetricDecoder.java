package io.dwcp.agent.ingest;

/**
 * One wire format: bytes of one datagram → records and rejections. A datagram may carry many records
 * (several lines, a JSON array); each bad one is rejected alone and the rest still count.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface MetricDecoder {
    void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink);
}

package io.dwcp.agent.ingest;

/**
 * Picks the wire format per datagram: JSON when the first non-blank byte is '{' or '[', line
 * protocol otherwise. Both can arrive on the same port, so Telegraf and the Go node share one
 * listener. Also enforces the datagram size limit. Stateless and thread-safe.
 */
public final class SniffingDecoder implements MetricDecoder {
    private final MetricDecoder json;
    private final MetricDecoder lineProtocol;
    private final int maxDatagramBytes;

    public SniffingDecoder(long maxFutureSkewMillis, int maxDatagramBytes) {
        this.json = new JsonDecoder(maxFutureSkewMillis);
        this.lineProtocol = new LineProtocolDecoder(maxFutureSkewMillis);
        this.maxDatagramBytes = maxDatagramBytes;
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        if (length > maxDatagramBytes) {
            sink.reject(RejectReason.OVERSIZED, length + " bytes > " + maxDatagramBytes);
            return;
        }
        int i = offset;
        int end = offset + length;
        while (i < end && Character.isWhitespace(data[i])) {
            i++;
        }
        if (i == end) {
            sink.reject(RejectReason.MALFORMED, "empty datagram");
            return;
        }
        byte first = data[i];
        if (first == '{' || first == '[') {
            json.decode(data, offset, length, nowMillis, sink);
        } else {
            lineProtocol.decode(data, offset, length, nowMillis, sink);
        }
    }
}

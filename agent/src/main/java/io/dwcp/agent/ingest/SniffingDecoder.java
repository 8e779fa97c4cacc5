package io.dwcp.agent.ingest;

/**
 * The decoder of the UDP port. Per datagram:
 * <ol>
 *   <li>larger than {@link IngestLimits#maxDatagramBytes()}: dropped, {@code oversized};</li>
 *   <li>starting with the gzip magic {@code 1f 8b} (Telegraf's {@code content_encoding = "gzip"}): inflated, at most
 *       {@link IngestLimits#maxInflatedBytes()} ({@code inflated_oversized} beyond, {@code bad_gzip} when it is not
 *       whole, valid gzip), and the result decoded as below;</li>
 *   <li>JSON when the first byte that is not JSON white space is '{' or '[', line protocol otherwise. Both can
 *       arrive on the same port, so Telegraf and the Go node share one listener;</li>
 *   <li>a datagram that yields no record and no drop (blank or comment lines only, {@code []}, zero bytes) is
 *       counted once as {@code empty} (issue 17: every datagram accounted for).</li>
 * </ol>
 * Stateless and thread-safe (the gzip buffers are per thread).
 */
public final class SniffingDecoder implements MetricDecoder {
    private final MetricDecoder json;
    private final MetricDecoder lineProtocol;
    private final IngestLimits limits;

    public SniffingDecoder(long maxFutureSkewMillis, int maxDatagramBytes) {
        this(IngestLimits.defaults(maxFutureSkewMillis).withMaxDatagramBytes(maxDatagramBytes));
    }

    public SniffingDecoder(IngestLimits limits) {
        this.json = new JsonDecoder(limits);
        this.lineProtocol = new LineProtocolDecoder(limits);
        this.limits = limits;
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        Counting counting = new Counting(sink);
        decodeCounted(data, offset, length, nowMillis, counting);
        if (counting.outcomes == 0) {
            sink.reject(RejectReason.EMPTY, length == 0 ? "empty datagram" : "no records (blank or comment lines only)");
        }
    }

    private void decodeCounted(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        if (length > limits.maxDatagramBytes()) {
            sink.reject(RejectReason.OVERSIZED, length + " bytes > " + limits.maxDatagramBytes());
            return;
        }
        if (Gunzip.isGzip(data, offset, length)) {
            Gunzip gz = Gunzip.forThisThread();
            if (!gz.inflate(data, offset, length, limits.maxInflatedBytes())) {
                sink.reject(gz.failure, gz.failureDetail + " (" + length + " bytes compressed)");
                return;
            }
            // The decoders copy what they keep, so the per-thread buffer may be reused by the next datagram.
            sniff(gz.out, 0, gz.length, nowMillis, sink);
            return;
        }
        sniff(data, offset, length, nowMillis, sink);
    }

    private void sniff(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        int i = offset;
        int end = offset + length;
        while (i < end && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        if (i < end && (data[i] == '{' || data[i] == '[')) {
            json.decode(data, offset, length, nowMillis, sink);
        } else {
            // White space only goes here too: blank lines are zero points, a tab is malformed line protocol.
            lineProtocol.decode(data, offset, length, nowMillis, sink);
        }
    }

    /** Passes everything on and counts it, to tell an empty datagram. */
    private static final class Counting implements RecordSink {
        private final RecordSink sink;
        int outcomes;

        Counting(RecordSink sink) {
            this.sink = sink;
        }

        @Override
        public void accept(MetricRecord record) {
            outcomes++;
            sink.accept(record);
        }

        @Override
        public void reject(RejectReason reason, String detail) {
            outcomes++;
            sink.reject(reason, detail);
        }
    }
}

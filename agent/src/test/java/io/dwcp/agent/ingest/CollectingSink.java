package io.dwcp.agent.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: remembers what a decoder emitted. */
final class CollectingSink implements RecordSink {
    final List<MetricRecord> records = new ArrayList<>();
    final List<RejectReason> rejects = new ArrayList<>();
    final List<String> details = new ArrayList<>();

    /** What {@code decoder} made of the datagram {@code s} (UTF-8), received at {@code now} ms. */
    static CollectingSink decode(MetricDecoder decoder, String s, long now) {
        CollectingSink sink = new CollectingSink();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        decoder.decode(b, 0, b.length, now, sink);
        return sink;
    }

    @Override
    public void accept(MetricRecord record) {
        records.add(record);
    }

    @Override
    public void reject(RejectReason reason, String detail) {
        rejects.add(reason);
        details.add(detail);
    }
}

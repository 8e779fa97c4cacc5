package io.dwcp.agent.ingest;

import java.util.ArrayList;
import java.util.List;

/** Test fixture: remembers what a decoder emitted. */
final class CollectingSink implements RecordSink {
    final List<MetricRecord> records = new ArrayList<>();
    final List<RejectReason> rejects = new ArrayList<>();
    final List<String> details = new ArrayList<>();

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

package io.dwcp.agent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dwcp.agent.ingest.JsonDecoder;
import io.dwcp.agent.ingest.LineProtocolDecoder;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ingest.RecordSink;
import io.dwcp.agent.ingest.RejectReason;
import io.dwcp.agent.ingest.SniffingDecoder;

/**
 * Coverage-guided fuzzing of the datagram parsers (Jazzer). Under {@code mvn test} each target replays its
 * seeds and every regression input under {@code src/test/resources/.../<Class>Inputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes (see agent/BENCHMARKS.md "Fuzzing" for the command and the runs).
 *
 * <p>Invariants: a decoder never throws, and every record it accepts is valid (known measurement, node id,
 * peer id where required, every value finite and within its field's range, ids within the byte limit); the
 * sniffing decoder (the UDP port's) gives every datagram at least one outcome, so none goes uncounted (issue 17).
 */
class IngestFuzzTest {
    static final long NOW = 1_700_000_000_000L;

    static final class Checking implements RecordSink {
        int outcomes;

        @Override
        public void accept(MetricRecord r) {
            outcomes++;
            Measurement m = r.measurement();
            if (r.nodeId() == null || r.nodeId().isEmpty() || (m.perLink() && (r.peerId() == null || r.peerId().isEmpty()))) {
                throw new AssertionError("record without ids: " + r);
            }
            if (r.values().length != m.fields().size()) {
                throw new AssertionError("record with " + r.values().length + " values for " + m);
            }
            for (int i = 0; i < r.values().length; i++) {
                double v = r.values()[i];
                Measurement.Field f = m.fields().get(i);
                if (!Double.isFinite(v) || v < f.min() || v > f.max()) {
                    throw new AssertionError(f.name() + "=" + v + " accepted");
                }
            }
            for (String id : new String[] {r.nodeId(), r.peerId()}) {
                if (id != null && id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
                    throw new AssertionError("id over 256 bytes accepted: " + id.length() + " chars");
                }
            }
            if (r.timestampMillis() - NOW > 300_000) {
                throw new AssertionError("future timestamp accepted: " + r.timestampMillis());
            }
        }

        @Override
        public void reject(RejectReason reason, String detail) {
            outcomes++;
            if (reason == null || detail == null) {
                throw new AssertionError("reject without reason/detail");
            }
        }
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void lineProtocol(byte[] data) {
        new LineProtocolDecoder(300_000).decode(data, 0, data.length, NOW, new Checking());
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void json(byte[] data) {
        new JsonDecoder(300_000).decode(data, 0, data.length, NOW, new Checking());
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void sniffing(byte[] data) {
        Checking sink = new Checking();
        new SniffingDecoder(300_000, 65_507).decode(data, 0, data.length, NOW, sink);
        if (sink.outcomes == 0) {
            throw new AssertionError("datagram neither accepted nor rejected");
        }
    }
}

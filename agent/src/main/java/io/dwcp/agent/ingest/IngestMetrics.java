package io.dwcp.agent.ingest;

import io.dwcp.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Counters of the ingest path. Thread-safe. Every record ends in exactly one of: accepted or rejected{reason}; a
 * datagram that holds no record at all is counted as rejected{reason="empty"}, so every datagram is in one or both.
 */
public final class IngestMetrics {
    private final Counter datagrams;
    private final Counter bytes;
    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final RateLimitedLog log;

    public IngestMetrics(MeterRegistry registry, Duration logInterval) {
        datagrams = Counter.builder("dwcp.ingest.datagrams").description("UDP datagrams received")
                .register(registry);
        bytes = Counter.builder("dwcp.ingest.received").baseUnit("bytes").description("UDP payload bytes received")
                .register(registry);
        accepted = Counter.builder("dwcp.ingest.records").description("metric records accepted into the pipeline")
                .register(registry);
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, Counter.builder("dwcp.ingest.rejected").tag("reason", r.label())
                    .description("inputs dropped, by reason").register(registry));
        }
        log = new RateLimitedLog(LoggerFactory.getLogger("io.dwcp.agent.ingest.rejected"), logInterval);
    }

    public void datagram(int size) {
        datagrams.increment();
        bytes.increment(size);
    }

    public void accepted() {
        accepted.increment();
    }

    /** Counts one drop and logs it (rate-limited), the detail escaped: it holds input (issue 17, log injection). */
    public void rejected(RejectReason reason, String detail) {
        rejected.get(reason).increment();
        log.warn("dropped input (" + reason.label() + ")", LogText.escape(detail));
    }

    public double rejectedCount(RejectReason reason) {
        return rejected.get(reason).count();
    }

    public double acceptedCount() {
        return accepted.count();
    }

    public double datagramCount() {
        return datagrams.count();
    }
}

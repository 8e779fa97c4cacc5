package io.dwcp.agent.ops;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring problem at most once per interval, with how many occurrences the silence hid. Bad
 * input can arrive at line rate; a log line per datagram would turn an attack or a misconfigured
 * sender into a disk-filling one. Thread-safe (lock-free).
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(String what, String detail) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAt.compareAndSet(next, now + intervalNanos)) {
            long hidden = suppressed.getAndSet(0);
            if (hidden > 0) {
                log.warn("{}: {} ({} more since the last report)", what, detail, hidden);
            } else {
                log.warn("{}: {}", what, detail);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}

package io.dwcp.agent.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The one-line summary systemd shows in {@code systemctl status dwcp-agent} ({@code STATUS=}): transport,
 * the models serving now, and records/predictions per second since the previous line. Rates come from the
 * agent's own Micrometer counters, so they agree with {@code /metrics}.
 *
 * <p>Called from one thread (the notifier's tick); not thread-safe otherwise.
 */
public final class StatusLine implements Supplier<String> {
    private final MeterRegistry registry;
    private final Supplier<String> models;
    private final IntSupplier clients;
    private long lastNanos = System.nanoTime();
    private double lastRecords;
    private double lastPredictions;

    /** {@code models}: the names of the models serving now, comma-separated. */
    public StatusLine(MeterRegistry registry, Supplier<String> models, IntSupplier clients) {
        this.registry = registry;
        this.models = models;
        this.clients = clients;
        this.lastRecords = sum("dwcp.ingest.records");
        this.lastPredictions = sum("dwcp.predictions");
    }

    private double sum(String name) {
        double total = 0;
        for (Counter c : registry.find(name).counters()) {
            total += c.count();
        }
        return total;
    }

    @Override
    public String get() {
        long now = System.nanoTime();
        double records = sum("dwcp.ingest.records");
        double predictions = sum("dwcp.predictions");
        double secs = Math.max(1e-3, (now - lastNanos) / 1e9);
        String rates = String.format(java.util.Locale.ROOT, "%.1f records/s, %.1f predictions/s",
                (records - lastRecords) / secs, (predictions - lastPredictions) / secs);
        lastNanos = now;
        lastRecords = records;
        lastPredictions = predictions;
        return Transports.name() + "; models " + models.get() + "; " + rates + "; "
                + clients.getAsInt() + " socket clients";
    }
}

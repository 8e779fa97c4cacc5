package io.dwcp.agent.spec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live accuracy of the bandwidth forecaster: each forecast is remembered per link and scored against the
 * next actual sample of that link. Rolling (EWMA) absolute percentage error and signed bias per link and
 * overall are exported as gauges, per link as {@code dwcp_forecast_link_mape_ratio{link}}.
 *
 * <p>Forecasts arrive from the batcher thread, actuals from the pipeline worker; per-link state is a
 * small object with volatile fields, and at most {@code maxLinks} links are tracked (further links are
 * counted in {@code dwcp_forecast_untracked_total}, not tracked).
 */
public final class AccuracyTracker {
    /** Weight of the newest error in the per-link average: ~ the last 20 samples. */
    static final double LINK_ALPHA = 0.05;
    /** Overall average over all links: ~ the last 200 scored forecasts. */
    static final double ALL_ALPHA = 0.005;

    static final class LinkStats {
        volatile double predicted = Double.NaN;
        volatile double mape = Double.NaN;
        volatile double bias = Double.NaN;
    }

    private final Map<String, LinkStats> links = new ConcurrentHashMap<>();
    private final int maxLinks;
    private final Counter evaluated;
    private final Counter untracked;
    private final MultiGauge perLink;
    private final long maxKeyBytes;
    private final java.util.concurrent.atomic.AtomicLong keyBytes = new java.util.concurrent.atomic.AtomicLong();
    private final int maxSeries;
    private final int maxLabelChars;
    private volatile int scored;
    private volatile int omitted;
    private volatile double mape = Double.NaN;
    private volatile double bias = Double.NaN;

    public AccuracyTracker(int maxLinks, MeterRegistry registry) {
        this(maxLinks, Long.MAX_VALUE, 100, 128, registry);
    }

    /**
     * @param maxSeries per-link series exported at most (the links with the highest MAPE); the others are only in
     *     the all-links gauges
     * @param maxLabelChars longer link names are cut and suffixed with a hash of the whole name
     */
    public AccuracyTracker(int maxLinks, long maxKeyBytes, int maxSeries, int maxLabelChars, MeterRegistry registry) {
        this.maxLinks = maxLinks;
        this.maxKeyBytes = maxKeyBytes;
        this.maxSeries = maxSeries;
        this.maxLabelChars = maxLabelChars;
        Gauge.builder("dwcp.forecast.links.scored", this, t -> t.scored).description("links with a rolling MAPE")
                .register(registry);
        Gauge.builder("dwcp.forecast.link.series.omitted", this, t -> t.omitted)
                .description("links scored but not exported per link (dwcp.metrics.max-link-series)").register(registry);
        evaluated = Counter.builder("dwcp.forecast.evaluated").description("forecasts scored against the actual next sample")
                .register(registry);
        untracked = Counter.builder("dwcp.forecast.untracked").description("forecasts not scored: link cap reached")
                .register(registry);
        Gauge.builder("dwcp.forecast.mape", this, t -> t.mape).baseUnit("ratio")
                .description("rolling mean absolute percentage error of bandwidth forecasts, all links (0.05 = 5 %)")
                .register(registry);
        Gauge.builder("dwcp.forecast.bias", this, t -> t.bias).baseUnit("ratio")
                .description("rolling mean signed error (forecast - actual) / actual, all links").register(registry);
        perLink = MultiGauge.builder("dwcp.forecast.link.mape").baseUnit("ratio")
                .description("rolling bandwidth forecast MAPE per link").register(registry);
    }

    /** A forecast for the link's next sample (any thread). */
    public void forecast(String link, double predictedBandwidth) {
        LinkStats s = links.get(link);
        if (s == null) {
            // Bounded by links and by their ids' bytes (issue 17 item 1): a forecast landing after its window was
            // evicted would otherwise re-add a link nothing removes.
            long kb = io.dwcp.agent.window.WindowStore.keyBytes(link);
            if (links.size() >= maxLinks || keyBytes.get() + kb > maxKeyBytes) {
                untracked.increment();
                return;
            }
            boolean[] added = {false};
            s = links.computeIfAbsent(link, k -> {
                added[0] = true;
                return new LinkStats();
            });
            if (added[0]) {
                keyBytes.addAndGet(kb);
            }
        }
        s.predicted = predictedBandwidth;
    }

    /** The actual sample arrived (pipeline worker); scores the pending forecast, if any. */
    public void actual(String link, double bandwidth) {
        LinkStats s = links.get(link);
        if (s == null) {
            return;
        }
        double p = s.predicted;
        if (Double.isNaN(p) || !(bandwidth > 0)) {
            return;
        }
        s.predicted = Double.NaN;
        double err = (p - bandwidth) / bandwidth;
        double ape = Math.abs(err);
        s.mape = Double.isNaN(s.mape) ? ape : s.mape + LINK_ALPHA * (ape - s.mape);
        s.bias = Double.isNaN(s.bias) ? err : s.bias + LINK_ALPHA * (err - s.bias);
        mape = Double.isNaN(mape) ? ape : mape + ALL_ALPHA * (ape - mape);
        bias = Double.isNaN(bias) ? err : bias + ALL_ALPHA * (err - bias);
        evaluated.increment();
    }

    public void remove(String link) {
        if (links.remove(link) != null) {
            keyBytes.addAndGet(-io.dwcp.agent.window.WindowStore.keyBytes(link));
        }
    }

    public double mape() {
        return mape;
    }

    public double bias() {
        return bias;
    }

    public double linkMape(String link) {
        LinkStats s = links.get(link);
        return s == null ? Double.NaN : s.mape;
    }

    /**
     * Refreshes the per-link gauge rows (called about once a second): the {@code maxSeries} links with the highest
     * MAPE, ties by name. Issue 17 item 5: one series per link made {@code /metrics} 12.3 MB with 3,000 links of
     * 2,000-character ids; now its size is bounded by {@code maxSeries × maxLabelChars} whatever the ids.
     */
    public void publish() {
        List<Map.Entry<String, Double>> all = new ArrayList<>(links.size());
        for (Map.Entry<String, LinkStats> e : links.entrySet()) {
            double m = e.getValue().mape;
            if (!Double.isNaN(m)) {
                all.add(Map.entry(e.getKey(), m));
            }
        }
        all.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        int n = Math.min(maxSeries, all.size());
        List<MultiGauge.Row<?>> rows = new ArrayList<>(n);
        for (Map.Entry<String, Double> e : all.subList(0, n)) {
            rows.add(MultiGauge.Row.of(Tags.of("link", label(e.getKey(), maxLabelChars)), e.getValue()));
        }
        perLink.register(rows, true);
        scored = all.size();
        omitted = all.size() - n;
    }

    /** {@code name} if short enough, else its start and a hash of the whole, {@code max} characters in all. */
    static String label(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = String.format("~%08x", name.hashCode());
        int cut = max - hash.length();
        if (Character.isHighSurrogate(name.charAt(cut - 1))) {
            cut--; // never half a character
        }
        return name.substring(0, cut) + hash;
    }
}

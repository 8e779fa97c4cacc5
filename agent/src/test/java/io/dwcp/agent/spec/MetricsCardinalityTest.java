package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 5: 3,000 links with 2,000-character ids made {@code /metrics} 12.3 MB. Per-link series are now
 * the top 100 by error, labels at most 128 characters: the scrape stays under 64 KiB whatever the ids.
 */
class MetricsCardinalityTest {
    static final int SCRAPE_BOUND_BYTES = 64 * 1024;

    @Test
    void perLinkSeriesAreTheTopKByErrorAndTheScrapeIsBoundedWhateverTheIds() {
        PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AccuracyTracker t = new AccuracyTracker(10_000, reg); // defaults: 100 series, 128-character labels
        String pad = "x".repeat(2000);
        for (int i = 0; i < 3000; i++) {
            String link = "node-" + i + pad + "->peer";
            t.forecast(link, 100 + i); // error grows with i: the top 100 are links 2900..2999
            t.actual(link, 100);
        }
        t.publish();
        String scrape = reg.scrape();
        int bytes = scrape.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes < SCRAPE_BOUND_BYTES, "scrape is " + bytes + " bytes");
        List<String> series = scrape.lines().filter(l -> l.startsWith("dwcp_forecast_link_mape_ratio{")).toList();
        assertEquals(100, series.size());
        assertTrue(series.stream().allMatch(l -> l.contains("link=\"node-29")), "the worst links are shown");
        assertTrue(series.stream().allMatch(l -> l.indexOf('"', l.indexOf("link=\"") + 6) - l.indexOf("link=\"") - 6 <= 128));
        assertTrue(scrape.contains("dwcp_forecast_links_scored 3000.0"), scrape.lines().filter(l -> l.contains("scored")).toList().toString());
        assertTrue(scrape.contains("dwcp_forecast_link_series_omitted 2900.0"));
        System.out.println("MetricsCardinalityTest: /metrics with 3,000 links of 2,000-character ids: " + bytes + " bytes");
    }

    @Test
    void labelsAreCutWithAHashSoDistinctLinksStayDistinct() {
        String a = "a".repeat(300) + "1";
        String b = "a".repeat(300) + "2";
        assertEquals(128, AccuracyTracker.label(a, 128).length());
        assertTrue(!AccuracyTracker.label(a, 128).equals(AccuracyTracker.label(b, 128)));
        assertEquals("short", AccuracyTracker.label("short", 128));
    }
}

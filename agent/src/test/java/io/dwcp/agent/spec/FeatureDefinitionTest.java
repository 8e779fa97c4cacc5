package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.history.HistoryRecorder;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.models.data.DwcpCsv;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.features.LinkFeatures;
import io.dwcp.models.history.HistoryReader;
import io.dwcp.models.history.HistoryRow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One feature definition for the bandwidth forecaster (issue 13): the same raw link sample through the agent's
 * pipeline, its history recorder, the operators' CSV reader and the synthetic generators gives the same row as
 * the models' {@link LinkFeatures#rawRow} — in particular day of week Monday = 0 everywhere (the CSV reader used
 * Sunday = 0 before).
 */
class FeatureDefinitionTest {
    /** Sunday 2026-11-29 13:45:30 UTC: a Sunday tells the two day-of-week conventions apart. */
    static final long SUNDAY = Instant.parse("2026-11-29T13:45:30Z").toEpochMilli();
    static final double[] VALUES = {123.5, 20.25, 0.001, 1.5};

    static float[] expected(long ts) {
        return LinkFeatures.rawRow(VALUES[0], VALUES[1], VALUES[2], VALUES[3], ts);
    }

    @Test
    void theSharedRowSaysSundayIsSix() {
        float[] row = expected(SUNDAY);
        assertEquals(6f, row[5]);
        assertEquals(13 + 45 / 60f + 30 / 3600f, row[4], 1e-5);
    }

    @Test
    void pipelineRow() {
        MetricRecord r = new MetricRecord(Measurement.LINK, "a", "b", SUNDAY, VALUES.clone());
        assertArrayEquals(expected(SUNDAY), BuiltinModels.BANDWIDTH.features(r));
        assertArrayEquals(expected(SUNDAY), BuiltinModels.DEGRADATION.features(r));
    }

    @Test
    void historyRow(@TempDir Path dir) throws Exception {
        Map<String, String> s = Map.of("dwcp.history.enabled", "true", "dwcp.history.dir", dir.toString());
        AgentConfig.History cfg = AgentConfig.from(k -> Optional.ofNullable(s.get(k))).history();
        try (HistoryRecorder h = new HistoryRecorder(cfg, BuiltinModels.registry(), new SimpleMeterRegistry()).start()) {
            h.record(new MetricRecord(Measurement.LINK, "a", "b", SUNDAY, VALUES.clone()));
        }
        List<HistoryRow> rows = HistoryReader.readDir(dir).kind("bandwidth").get("a->b");
        assertEquals(1, rows.size());
        assertArrayEquals(expected(SUNDAY), rows.get(0).values());
    }

    @Test
    void csvRow(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("dwcp_metrics.csv");
        Files.writeString(csv, "epoch_time,node_id,peer_id,throughput_mbps,rtt_ms,packet_loss,jitter_ms\n"
                + (SUNDAY / 1000) + ",a,b," + VALUES[0] + "," + VALUES[1] + "," + VALUES[2] + "," + VALUES[3] + "\n");
        List<LinkSeries> links = DwcpCsv.links(csv);
        assertEquals(1, links.size());
        double[] row = links.get(0).rows()[0];
        float[] want = expected(SUNDAY / 1000 * 1000);
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], row[j], 1e-4, "column " + j);
        }
    }

    /**
     * The generators draw a start hour and weekday and step 60 s: every row must be the shared function of the
     * timestamp that start implies (Monday = 0, days rolling over at midnight UTC).
     */
    @Test
    void generatorRows() {
        long monday = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();
        for (LinkSeries s : SyntheticLinks.generate(4, 3 * 1440, 7)) {
            double[][] rows = s.rows();
            long start = monday + Math.round((rows[0][5] * 24 + rows[0][4]) * 3_600_000);
            for (int t = 0; t < rows.length; t++) {
                long ts = start + Math.round(t * s.stepSeconds() * 1000);
                float[] want = LinkFeatures.rawRow(rows[t][0], rows[t][1], rows[t][2], rows[t][3], ts);
                assertEquals(want[4], rows[t][4], 1e-3, s.id() + " step " + t + " time of day");
                assertEquals(want[5], rows[t][5], 0, s.id() + " step " + t + " day of week");
            }
        }
    }
}

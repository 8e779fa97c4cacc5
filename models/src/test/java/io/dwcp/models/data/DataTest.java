package io.dwcp.models.data;

import io.dwcp.models.train.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DataTest {
    @Test
    void generatorsAreDeterministicTimeSeries() {
        assertArrayEquals(SyntheticLinks.generate(3, 50, 9).get(2).rows()[49], SyntheticLinks.generate(3, 50, 9).get(2).rows()[49]);
        assertArrayEquals(SyntheticConsensus.generate(2, 300, 9).get(1).rows()[299],
                SyntheticConsensus.generate(2, 300, 9).get(1).rows()[299]);
        List<NodeSeries> n = SyntheticReliability.generate(30, 400, 9);
        long inc = n.stream().flatMap(s -> { List<Boolean> l = new java.util.ArrayList<>(); for (boolean b : s.incident()) l.add(b); return l.stream(); })
                .filter(b -> b).count();
        assertTrue(inc > 0 && inc < 30 * 400 * 0.2, "incident rows " + inc);
        // Time of day advances by one minute per step on links.
        double[][] r = SyntheticLinks.generate(1, 3, 1).get(0).rows();
        assertEquals(1.0 / 60, ((r[1][4] - r[0][4]) + 24) % 24, 1e-9);
    }

    @Test
    void splitsAreBySeriesAndDisjoint() {
        List<Integer> items = java.util.stream.IntStream.range(0, 20).boxed().toList();
        Splits.Split<Integer> s = Splits.bySeries(items, 0.7, 0.15, 3);
        Set<Integer> all = new HashSet<>(s.train());
        all.addAll(s.val());
        all.addAll(s.test());
        assertEquals(20, all.size());
        assertEquals(14, s.train().size());
        assertEquals(s, Splits.bySeries(items, 0.7, 0.15, 3));
    }

    @Test
    void tracesNabAndCsvParse(@TempDir Path dir) throws Exception {
        assertTrue(Traces.bundled().size() >= 60);
        Path t = dir.resolve("t.txt");
        Files.writeString(t, "0.0\t2.5\n1.0\t3.0\n2.0\t2.0\n");
        LinkSeries s = Traces.folder(dir).get(0);
        assertEquals(3, s.length());
        assertEquals(2.5, s.rows()[0][0]);
        assertEquals(Traces.FILL_LATENCY_MS, s.rows()[0][1]);

        Path nab = Path.of("src/test/resources/nab");
        NabSeries n = NabSeries.folder(nab, nab.resolve("windows.json")).get(0);
        assertEquals(4032, n.length());
        assertEquals(2, n.windowIndices().size());

        Path csv = dir.resolve("dwcp_metrics.csv");
        Files.writeString(csv, String.join("\n",
                "timestamp,epoch_time,node_id,peer_id,link_type,throughput_mbps,rtt_ms,packet_loss,jitter_ms,uptime_pct,failure_rate,retransmits,error_budget_burn_rate,error_rate,is_anomaly",
                "x,120,n1,p1,wan,100,50,0.001,2,99.9,0.001,3,0.8,0.001,0",
                "x,60,n1,p1,wan,90,55,0.002,3,99.9,0.001,4,0.7,0.001,1",
                "x,60,n2,p1,dc,9000,0.5,0.0001,0.1,100,0,0,0.5,0,0"));
        List<LinkSeries> links = DwcpCsv.links(csv);
        assertEquals(2, links.size());
        assertEquals(90, links.get(0).rows()[0][0], 0); // sorted by epoch_time
        DwcpCsv.Nodes nodes = DwcpCsv.nodes(csv);
        assertEquals(List.of("cpu_usage", "memory_usage"), nodes.filled());
        assertTrue(nodes.series().get(0).incident()[0]);
        Files.writeString(csv, "timestamp,node_id\nx,n1\n");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> DwcpCsv.links(csv));
        assertTrue(e.getMessage().contains("throughput_mbps"), e.getMessage());
    }
}

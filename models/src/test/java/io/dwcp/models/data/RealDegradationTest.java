package io.dwcp.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Real traces as degradation series: every kept step and floor, labels from the series itself, traceable ids. */
class RealDegradationTest {
    @Test
    void everyTraceAtEveryLongEnoughStepWithFloorsUnderItsLevel() {
        List<LinkSeries> traces = Traces.bundled().subList(0, 4);
        List<DegradationSeries> s = RealDegradation.from(traces, new int[] {1, 2}, 3, 120, 7);
        assertEquals(s.size(), RealDegradation.from(traces, new int[] {1, 2}, 3, 120, 7).size());
        int expected = 0;
        for (LinkSeries t : traces) {
            for (int f : new int[] {1, 2}) expected += Traces.resample(t, f, 0).length() >= 120 ? 3 : 0;
        }
        assertEquals(expected, s.size());
        for (DegradationSeries d : s) {
            String trace = RealDegradation.traceOf(d.id());
            assertTrue(traces.stream().anyMatch(t -> t.id().equals(trace)), d.id());
            double[] bw = new double[d.length()];
            for (int t = 0; t < bw.length; t++) bw[t] = d.rows()[t][0];
            double med = RealDegradation.median(bw);
            assertTrue(d.slo().throughputMbps() >= 0.01 * med - 1e-9 && d.slo().throughputMbps() <= 0.9 * med + 1e-9, d.id());
            // Only the throughput floor can fire: latency and loss are constants far below their ceilings.
            assertTrue(d.slo().latencyMs() > Traces.FILL_LATENCY_MS && d.slo().errorRate() > Traces.FILL_LOSS);
            boolean[] b = d.breaches();
            int first = -1;
            for (int t = 0; t < b.length && first < 0; t++) if (b[t]) first = t;
            assertEquals(first, d.breach(), d.id());
        }
        assertArrayEquals(s.get(0).rows()[10], RealDegradation.from(traces, new int[] {1, 2}, 3, 120, 99).get(0).rows()[10]);
    }

    @Test
    void theTraceOfASeriesDropsStepAndFloorSuffixes() {
        assertEquals("bus.a-report.log", RealDegradation.traceOf("bus.a-report.log@x5#2"));
        assertEquals("trace_1_http---x.com", RealDegradation.traceOf("trace_1_http---x.com#0"));
    }
}

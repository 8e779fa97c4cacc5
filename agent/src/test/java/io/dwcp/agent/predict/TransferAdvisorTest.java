package io.dwcp.agent.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bandwidth-delay arithmetic against cases computed by hand (numbers in the comments). */
class TransferAdvisorTest {
    private final TransferAdvisor advisor = new TransferAdvisor(TransferAdvisor.Settings.defaults());

    private static BandwidthForecast f(double mbps, double rttMs, double loss, double jitterMs, double conf) {
        return new BandwidthForecast(mbps, rttMs, loss, jitterMs, conf);
    }

    @Test
    void lossFreeLinkNeedsOneStreamAndItsBdp() {
        // 100 Mbit/s = 12.5e6 B/s; × 20 ms = 250,000 B; rounded up to 4 KiB: 62 × 4096 = 253,952 B.
        TransferAdvisor.Advice a = advisor.advise(f(100, 20, 0, 0, 0.9)).orElseThrow();
        assertEquals(250_000, a.bdpBytes(), 1e-6);
        assertEquals(253_952, a.socketBufferBytes());
        assertEquals(1, a.parallelStreams());
        assertEquals("none", a.limitedBy());
        assertFalse(a.streamsCapped());
    }

    @Test
    void jitterWidensTheBuffer() {
        // 100 Mbit/s × (20 ms + 2 × 5 ms) = 12.5e6 × 0.030 = 375,000 B → 92 × 4096 = 376,832 B; BDP still 250,000.
        TransferAdvisor.Advice a = advisor.advise(f(100, 20, 0, 5, 0.9)).orElseThrow();
        assertEquals(250_000, a.bdpBytes(), 1e-6);
        assertEquals(376_832, a.socketBufferBytes());
    }

    @Test
    void lossyWanIsLossLimitedAndCapped() {
        // Mathis: 1.22 × 1448 B / (0.05 s × √1e-4) = 1766.56 / 0.0005 = 3,533,120 B/s per stream (28.26 Mbit/s);
        // 1 Gbit/s = 125e6 B/s → ⌈35.38⌉ = 36 streams, capped at 16.
        TransferAdvisor.Advice a = advisor.advise(f(1000, 50, 1e-4, 0, 0.9)).orElseThrow();
        assertEquals(16, a.parallelStreams());
        assertTrue(a.streamsCapped());
        assertEquals("loss", a.limitedBy());
        assertEquals(28.26496, a.perStreamMbps(), 1e-6);
        // BDP 125e6 × 0.05 = 6.25e6 B → 1526 × 4096 = 6,250,496 B (under the 64 MiB cap).
        assertEquals(6_250_496, a.socketBufferBytes());
    }

    @Test
    void hugeBdpIsCappedAndSplitOverStreams() {
        // 10 Gbit/s × 100 ms = 125,000,000 B > 64 MiB = 67,108,864 B; one stream then carries
        // 67,108,864 / 0.1 = 671,088,640 B/s; 1.25e9 / 671,088,640 = 1.86 → 2 streams, window-limited.
        TransferAdvisor.Advice a = advisor.advise(f(10_000, 100, 0, 0, 0.9)).orElseThrow();
        assertEquals(125_000_000, a.bdpBytes(), 1e-3);
        assertEquals(67_108_864L, a.socketBufferBytes());
        assertEquals(2, a.parallelStreams());
        assertEquals("window", a.limitedBy());
    }

    @Test
    void smallBdpGetsTheMinimumBuffer() {
        // 10 Mbit/s × 1 ms = 1,250 B → the 64 KiB floor.
        TransferAdvisor.Advice a = advisor.advise(f(10, 1, 0, 0, 0.9)).orElseThrow();
        assertEquals(65_536, a.socketBufferBytes());
        assertEquals(1, a.parallelStreams());
    }

    @Test
    void noAdviceBelowTheConfidenceFloorOrForUnusableForecasts() {
        assertTrue(advisor.advise(f(100, 20, 0, 0, 0.59)).isEmpty());
        assertTrue(advisor.advise(f(0, 20, 0, 0, 0.9)).isEmpty());
        assertTrue(advisor.advise(f(Double.NaN, 20, 0, 0, 0.9)).isEmpty());
        assertTrue(advisor.advise(f(100, 20, 0, 0, Double.NaN)).isEmpty());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new TransferAdvisor.Settings(1.5, 16, 1448, 65536, 1 << 26));
        assertThrows(IllegalArgumentException.class, () -> new TransferAdvisor.Settings(0.5, 0, 1448, 65536, 1 << 26));
        assertThrows(IllegalArgumentException.class, () -> new TransferAdvisor.Settings(0.5, 16, 1448, 1 << 27, 1 << 26));
    }
}

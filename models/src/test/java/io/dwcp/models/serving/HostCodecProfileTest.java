package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.CompressionConditions;
import io.dwcp.models.features.Schemas.Codec;
import java.io.IOException;
import org.junit.jupiter.api.Test;

public class HostCodecProfileTest {
    public static final CodecProfile BASE;

    static {
        try {
            BASE = CodecProfile.bundled();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a host {@code speed} times as fast as the base reports for one transfer of {@code bytes}. */
    public static void report(HostCodecProfile p, Codec c, double entropy, double bytes, double speed, double ratioFactor,
                       double cpu) {
        double[] b = BASE.at(c, entropy);
        p.observe(c, entropy, bytes, bytes * b[0] * ratioFactor, bytes / (b[1] * speed * Math.max(0.05, 1 - cpu)),
                bytes / (b[2] * speed), cpu);
    }

    @Test
    void unlearntIsTheBaseExactly() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        assertFalse(p.learnt());
        assertNull(p.learntOrNull());
        assertNull(p.judge(new float[] {100, 0, 0, 1 << 20, 4, 0}, Codec.LZ4, 0.05));
        // A restored all-zero state rebuilds the snapshot with the bucket centres added: still the base's function.
        p.restore(p.state());
        for (double[] x : CompressionConditions.latinHypercube(2000, 3)) {
            assertArrayEquals(BASE.transferSeconds(x), p.snapshot().transferSeconds(x), 1e-12 * BASE.transferSeconds(x)[0]);
        }
    }

    @Test
    void learnsASlowerHostForEveryCodecFromOneCodec() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        for (int i = 0; i < 40; i++) {
            report(p, Codec.ZSTD, 7.0, 8 << 20, 1 / 3.0, 1, 0.5);
        }
        assertTrue(p.learnt());
        assertEquals(40, p.observations());
        // The base keeps the weight of one observation until the average turns exponential: 2 % of it is left.
        assertEquals(1 / 3.0, p.speedFactor(Codec.ZSTD, true), 0.01);
        assertEquals(1 / 3.0, p.speedFactor(Codec.ZSTD, false), 0.01);
        // Codecs never measured take the measured codecs' factor: a slow CPU is slow for all.
        assertEquals(p.speedFactor(Codec.ZSTD, true), p.speedFactor(Codec.BROTLI, true), 1e-12);
        double[] v = p.snapshot().at(Codec.LZ4, 7.0);
        assertEquals(BASE.at(Codec.LZ4, 7.0)[1] * p.speedFactor(Codec.ZSTD, true), v[1], 1e-9 * v[1]);
        // The ratio was right, so it stays the base's.
        assertEquals(BASE.at(Codec.ZSTD, 7.0)[0], p.snapshot().at(Codec.ZSTD, 7.0)[0], 1e-9);
    }

    @Test
    void cpuLoadIsTakenOutOfCompressionSpeed() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        // The base speed on this host, but the sender was 80 % busy: the codec is not slow, the CPU was.
        for (int i = 0; i < 10; i++) {
            report(p, Codec.LZ4, 7.5, 8 << 20, 1, 1, 0.8);
        }
        assertEquals(1, p.speedFactor(Codec.LZ4, true), 1e-9);
    }

    @Test
    void ratioIsLearntPerEntropyBucket() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        for (int i = 0; i < 100; i++) {
            report(p, Codec.BROTLI, 2.2, 1 << 20, 1, 0.5, 0.2); // payloads compress twice as well as the base says
        }
        assertEquals(2, HostCodecProfile.bucket(2.2));
        assertEquals(BASE.at(Codec.BROTLI, 2.5)[0] * 0.5, p.snapshot().at(Codec.BROTLI, 2.5)[0], 1e-3);
        // Other buckets and codecs keep the base's ratio.
        assertEquals(BASE.at(Codec.BROTLI, 7.5)[0], p.snapshot().at(Codec.BROTLI, 7.5)[0], 1e-12);
        assertEquals(BASE.at(Codec.LZ4, 2.5)[0], p.snapshot().at(Codec.LZ4, 2.5)[0], 1e-12);
    }

    @Test
    void oddReportsMoveEstimatesABoundedAmountAndTinyOnesNothing() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        p.observe(Codec.ZSTD, 7, 1 << 20, 1 << 20, 1e12, 1e12, 0); // absurdly slow, once
        assertTrue(p.speedFactor(Codec.ZSTD, true) >= Math.pow(HostCodecProfile.MAX_SPEED_FACTOR, -0.5) - 1e-9);
        HostCodecProfile q = new HostCodecProfile(BASE);
        assertFalse(q.observe(Codec.ZSTD, 7, 100, 80, 5, 2, 0), "100 bytes in 5 µs teaches nothing");
        assertFalse(q.observe(Codec.NONE, 7, 1 << 20, 1 << 20, 0, 0, 0));
        assertFalse(q.learnt());
    }

    @Test
    void memoryIsFixedWhateverTheTraffic() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        int points = p.snapshot().points().size();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            Codec c = Codec.values()[1 + r.nextInt(4)];
            report(p, c, 8 * r.nextDouble(), 4096 + r.nextInt(1 << 24), 0.1 + r.nextDouble(), 0.5 + r.nextDouble(),
                    r.nextDouble());
        }
        HostCodecProfile.State s = p.state();
        assertEquals(5, s.ratioLog().length);
        assertEquals(HostCodecProfile.BUCKETS, s.ratioLog()[1].length);
        assertEquals(points + HostCodecProfile.BUCKETS, p.snapshot().points().size());
        // Still an exponential average, not a count-weighted mean frozen by 100k observations.
        for (int i = 0; i < 200; i++) {
            report(p, Codec.LZ4, 7, 1 << 20, 2, 1, 0);
        }
        assertEquals(2, p.speedFactor(Codec.LZ4, true), 0.05);
    }

    @Test
    void benchmarkSeedsOnlyWhatNoOutcomeTaught() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        report(p, Codec.LZ4, 7, 1 << 20, 0.5, 1, 0);
        double lz4 = p.speedFactor(Codec.LZ4, true);
        double[] b = BASE.at(Codec.ZSTD, 7);
        p.seed(Codec.LZ4, 7, 1e6, 1e6);
        p.seed(Codec.ZSTD, 7, b[1] * 2, b[2] * 2);
        assertEquals(lz4, p.speedFactor(Codec.LZ4, true), 1e-12);
        assertEquals(2, p.speedFactor(Codec.ZSTD, true), 1e-9);
        assertTrue(p.seeded());
    }

    @Test
    void restoredStateGivesTheSameProfileAndForeignStatesAreRefused() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        for (int i = 0; i < 30; i++) {
            report(p, Codec.ZSTD, 6.3, 4 << 20, 0.4, 0.9, 0.3);
        }
        HostCodecProfile q = new HostCodecProfile(BASE);
        q.restore(p.state());
        assertEquals(p.observations(), q.observations());
        for (double[] x : CompressionConditions.latinHypercube(500, 4)) {
            assertArrayEquals(p.snapshot().transferSeconds(x), q.snapshot().transferSeconds(x), 0);
        }
        HostCodecProfile.State s = p.state();
        HostCodecProfile.State bad = new HostCodecProfile.State(2, s.base(), 1, false, s.ratioLog(), s.ratioN(),
                s.compressLog(), s.compressN(), s.compressSeeded(), s.decompressLog(), s.decompressN(), s.decompressSeeded());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> q.restore(bad)).getMessage().contains("version 2"));
        double[] huge = s.compressLog().clone();
        huge[1] = 50;
        HostCodecProfile.State bad2 = new HostCodecProfile.State(1, s.base(), 1, false, s.ratioLog(), s.ratioN(),
                huge, s.compressN(), s.compressSeeded(), s.decompressLog(), s.decompressN(), s.decompressSeeded());
        assertThrows(IllegalArgumentException.class, () -> q.restore(bad2));
    }

    @Test
    void judgesNothingUntilLearntThenServesTheHostOracle() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        float[] ctx = {200, 20, 2, 64 << 20, 6, 0.3f};
        assertNull(p.judge(ctx, Codec.ZSTD, 0.05));
        Codec before = BASE.best(io.dwcp.models.compression.CompressionDomain.toDouble(ctx));
        for (int i = 0; i < 20; i++) {
            report(p, Codec.ZSTD, 6, 8 << 20, 1 / 3.0, 1, 0.3);
        }
        HostCodecProfile.Judgement j = p.judge(ctx, before, 0.05);
        assertEquals(p.snapshot().best(io.dwcp.models.compression.CompressionDomain.toDouble(ctx)), j.served());
        assertTrue(j.replaced() && j.served() != before, before + " -> " + j);
        assertTrue(j.regret() > 0.05);
        assertEquals(HostCodecProfile.level(j.served()), j.level());
        // With a wide tolerance only a choice slower than sending uncompressed is replaced.
        double[] t = p.snapshot().transferSeconds(io.dwcp.models.compression.CompressionDomain.toDouble(ctx));
        for (Codec c : Codec.values()) {
            assertEquals(t[c.ordinal()] > t[0], p.judge(ctx, c, 10).replaced(), c.toString());
        }
    }
}

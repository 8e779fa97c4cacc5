package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.Codec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CodecsTest {
    @Test
    void realCodecsRoundTripAndCompressTextMoreThanNoise() throws Exception {
        byte[] text = Payloads.generate(64 * 1024, 0.0, 1);
        byte[] noise = Payloads.generate(64 * 1024, 1.0, 2);
        assertTrue(Payloads.entropy(text) < Payloads.entropy(noise));
        assertTrue(Payloads.entropy(noise) > 7.9);
        for (Codec c : Codec.values()) {
            Codecs.verify(c, text);
            Codecs.verify(c, noise);
            if (c != Codec.NONE) {
                assertTrue(Codecs.compress(c, text).length < text.length * 0.7, c + " on text");
                assertTrue(Codecs.compress(c, noise).length > noise.length * 0.98, c + " on noise");
            }
        }
    }

    /** A hand-made two-point profile where the oracle's choice can be computed by hand. */
    @Test
    void oracleMinimisesTransferTimeByHand() {
        double[] ratio = {1, 0.5, 0.4, 0.3, 0.35};
        double[] cs = {1e9, 500, 100, 2, 20};
        double[] ds = {1e9, 2000, 500, 500, 300};
        CodecProfile p = new CodecProfile("test", List.of(new CodecProfile.Point(5, 0, ratio, cs, ds),
                new CodecProfile.Point(8, 1, new double[] {1, 1, 1, 1, 1}, cs, ds)));
        // 100 MB over 10 Gbit/s, idle CPU: none 0.08 s; lz4 0.2 + 0.04 + 0.05 = 0.29 s -> NONE.
        assertEquals(Codec.NONE, p.best(10000, 0, 1e8, 5, 0));
        // 100 MB over 10 Mbit/s: none 80 s; lz4 0.2+40+0.05=40.25; zstd 1+32+0.2=33.2; zstd-max 50+24+0.2=74.2;
        // brotli 5+28+0.33=33.33 -> ZSTD.
        assertEquals(Codec.ZSTD, p.best(10, 0, 1e8, 5, 0));
        assertEquals(33.2, p.transferSeconds(Codec.ZSTD, 10, 0, 1e8, 5, 0), 1e-9);
        // Incompressible payload: nothing beats none.
        assertEquals(Codec.NONE, p.best(10, 0, 1e8, 8, 0));
        // Interpolation half-way: ratio of LZ4 0.75 at entropy 6.5.
        assertEquals(0.75, p.at(Codec.LZ4, 6.5)[0], 1e-12);
        // A loaded sender (cpu 0.9) slows compression tenfold: zstd 10+32+0.2 = 42.2 > lz4 2+40+0.05 = 42.05.
        assertEquals(Codec.LZ4, p.best(10, 0, 1e8, 5, 0.9));
    }

    @Test
    void bundledProfileIsValid() throws Exception {
        CodecProfile p = CodecProfile.bundled();
        assertEquals(9, p.points().size());
        for (CodecProfile.Point pt : p.points()) {
            assertEquals(1.0, pt.ratio()[0]);
            for (double v : pt.compressMBps()) assertTrue(v > 0);
        }
    }
}

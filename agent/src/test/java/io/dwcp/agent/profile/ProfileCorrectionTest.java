package io.dwcp.agent.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.demo.SlowHostReplay;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.CompressionDomain;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.serving.HostCodecProfile;
import org.junit.jupiter.api.Test;

class ProfileCorrectionTest {
    static final CodecProfile BASE = Hosts.BASE;
    // 200 Mbit/s, 20 ms, wan, 64 MiB, entropy 6, cpu 0.3.
    static final float[] CTX = {200, 20, 2, 64 << 20, 6, 0.3f};

    static CompressionDecision modelChose(Codec c) {
        return new CompressionDecision(c.ordinal(), 3, 0.2, 0.9, CompressionDecision.MODEL, c.ordinal(), c.ordinal(), 0);
    }

    @Test
    void withoutALearntProfileTheDecisionStands() {
        CompressionDecision d = modelChose(Codec.ZSTD);
        assertSame(d, ProfileCorrection.apply(d, CTX, null, 0.05));
        assertSame(d, ProfileCorrection.apply(d, CTX, new HostCodecProfile(BASE), 0.05));
    }

    @Test
    void onASlowHostALighterCodecIsServedAndSaysSo() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        for (int i = 0; i < 20; i++) {
            Hosts.report(p, Codec.ZSTD, 6, 8 << 20, 1 / 3.0, 1, 0.3);
        }
        Codec before = BASE.best(CompressionDomain.toDouble(CTX));
        CompressionDecision d = ProfileCorrection.apply(modelChose(before), CTX, p, 0.05);
        Codec after = Codec.values()[d.codec()];
        assertEquals(p.snapshot().best(CompressionDomain.toDouble(CTX)), after, "the host oracle's codec");
        assertNotEquals(before, after);
        assertEquals(CompressionDecision.ORACLE, d.source());
        assertEquals(before.ordinal(), d.modelCodec());
        assertEquals(after.ordinal(), d.oracleCodec());
        assertTrue(d.modelRegret() > 0.05, "regret " + d.modelRegret());
        assertTrue(d.confidence() >= 0 && d.confidence() <= 1 && Double.isFinite(d.expectedGain()));
        assertTrue(SlowHostReplay.cpuCost(BASE, after, 6) < SlowHostReplay.cpuCost(BASE, before, 6),
                before + " -> " + after + " is lighter");
        // The host oracle's own codec stands, with the model's confidence; with a wide tolerance so does any codec not
        // slower than sending uncompressed.
        double[] t = p.snapshot().transferSeconds(CompressionDomain.toDouble(CTX));
        for (Codec c : Codec.values()) {
            CompressionDecision k = ProfileCorrection.apply(modelChose(c), CTX, p, c == after ? 0 : 10);
            boolean stands = t[c.ordinal()] <= t[0];
            assertEquals(stands ? c.ordinal() : after.ordinal(), k.codec(), c.toString());
            assertEquals(stands ? CompressionDecision.MODEL : CompressionDecision.ORACLE, k.source(), c.toString());
            if (stands) {
                assertEquals(0.9, k.confidence());
            }
        }
    }

    @Test
    void edgeCasesGiveFiniteNumbers() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        Hosts.report(p, Codec.LZ4, 0, 8 << 20, 0.5, 1, 0);
        for (float[] x : new float[][] {{0, 0, 0, 0, 0, 0}, {Float.NaN, 0, 0, Float.NaN, Float.NaN, Float.NaN},
                {1e7f, 1e6f, 3, 1e12f, 8, 1}}) {
            CompressionDecision d = ProfileCorrection.apply(modelChose(Codec.BROTLI), x, p, 0.05);
            assertTrue(Double.isFinite(d.expectedGain()) && Double.isFinite(d.confidence())
                    && Double.isFinite(d.modelRegret()), d.toString());
        }
    }
}

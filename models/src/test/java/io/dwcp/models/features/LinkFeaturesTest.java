package io.dwcp.models.features;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.Traces;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The shared link feature function: clock convention, interval, scale-freedom, inverse; and trace resampling. */
class LinkFeaturesTest {
    static final long DAY = 86_400_000L;

    @Test
    void rawRowIsUtcHoursAndMondayZero() {
        // 1970-01-01 was a Thursday; 1970-01-05 a Monday, 1970-01-04 a Sunday.
        float[] thu = LinkFeatures.rawRow(100, 10, 0.01, 1, 0);
        assertArrayEquals(new float[] {100, 10, 0.01f, 1, 0, 3}, thu);
        assertEquals(0, LinkFeatures.dayOfWeek(4 * DAY));
        assertEquals(6, LinkFeatures.dayOfWeek(3 * DAY));
        assertEquals(13.5, LinkFeatures.timeOfDay(4 * DAY + 13 * 3_600_000L + 30 * 60_000L), 1e-12);
    }

    @Test
    void clockArithmeticIsJavaTimeExactly() {
        // The arithmetic replaced java.time (allocation on the agent's hot path); training and serving must see
        // the same doubles as before, before 1970 and far ahead included.
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        long[] edges = {0, -1, 1, DAY - 1, -DAY, -DAY - 1, 253_402_300_799_999L, -62_135_596_800_000L, 1_796_221_113_414L};
        for (int i = 0; i < 100_000 + edges.length; i++) {
            long ms = i < edges.length ? edges[i] : r.nextLong(-62_135_596_800_000L, 253_402_300_799_999L);
            java.time.ZonedDateTime t = java.time.Instant.ofEpochMilli(ms).atZone(java.time.ZoneOffset.UTC);
            assertEquals(t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0, LinkFeatures.timeOfDay(ms), 0.0, "at " + ms);
            assertEquals(t.getDayOfWeek().getValue() - 1, LinkFeatures.dayOfWeek(ms), "at " + ms);
        }
    }

    @Test
    void intervalFromTimestampsOrTimeOfDay() {
        assertEquals(5.0, LinkFeatures.stepSeconds(new long[] {0, 5000, 10_000, 15_000}));
        assertEquals(1.0, LinkFeatures.stepSeconds(new long[] {0, 1000, 2000, 60_000}), "median ignores one gap");
        assertTrue(Double.isNaN(LinkFeatures.stepSeconds(new long[] {7, 7})));
        float[][] w = new float[3][6];
        w[0][4] = 23.99f;
        w[1][4] = 0.00f + (23.99f + 60 / 3600f) - 24; // across midnight
        w[2][4] = w[1][4] + 60 / 3600f;
        assertEquals(60, LinkFeatures.stepSecondsFromTimeOfDay(w), 0.05);
        assertEquals(0.0, LinkFeatures.dtCode(1), 1e-12);
        assertEquals(1.0, LinkFeatures.dtCode(10), 1e-12);
    }

    static float[][] window(double scale) {
        float[][] w = new float[10][];
        for (int i = 0; i < 10; i++) {
            w[i] = new float[] {(float) (scale * (5 + i % 3)), (float) (20 + i), 0.001f, 2, 0, 0};
        }
        return w;
    }

    @Test
    void aThousandTimesTheBandwidthIsTheSameModelInput() {
        float[] a = new float[60], b = new float[60];
        LinkFeatures.modelInput(window(1), 1, a, 0);
        LinkFeatures.modelInput(window(1000), 1, b, 0);
        for (int i = 0; i < 60; i++) assertEquals(a[i], b[i], 1e-5, "feature " + i);
        // Bandwidth column 0 of step 0: ln((5 + e) / (L + e)), L = mean(5,6,7,5,6,7,5,6,7,5) = 5.9.
        assertEquals(Math.log((5 + 5.9e-3) / (5.9 + 5.9e-3)), a[0], 1e-6);
        assertEquals(0f, a[5], "no change on the first step");
        assertEquals(0f, a[4], "log10 of a 1 s step");
    }

    @Test
    void inverseUndoesTarget() {
        float[][] w = window(1000);
        float[] next = {6500, 31, 0.004f, 3, 0, 0};
        float[] t = LinkFeatures.target(w, next);
        double[] back = LinkFeatures.inverse(w, t, 0);
        assertEquals(6500, back[0], 0.01);
        assertEquals(31, back[1], 1e-3);
        assertEquals(0.004, back[2], 1e-6);
        assertEquals(3, back[3], 1e-4);
    }

    @Test
    void everyVariantInvertsItsTargetAndTheShippedOneIsUnchanged() {
        float[][] w = window(1000);
        float[] next = {6500, 31, 0.004f, 3, 0, 0};
        for (String spec : new String[] {"vol", "base=ewma", "base=med3", "ewmach", "vol,base=ewma,ewmach"}) {
            LinkFeatures.Variant v = LinkFeatures.Variant.parse(spec);
            assertEquals(spec, v.toString());
            double[] back = LinkFeatures.inverse(w, LinkFeatures.target(w, next, v), 0, v);
            assertEquals(6500, back[0], 0.05, spec);
            assertEquals(31, back[1], 1e-3, spec);
        }
        LinkFeatures.Variant shipped = LinkFeatures.Variant.parse("");
        assertTrue(shipped.shipped());
        float[] a = new float[60], b = new float[60];
        LinkFeatures.modelInput(w, 5, a, 0);
        LinkFeatures.modelInput(w, 5, shipped, b, 0);
        assertArrayEquals(a, b);
        assertArrayEquals(LinkFeatures.target(w, next), LinkFeatures.target(w, next, shipped));
    }

    @Test
    void volatilityNormalisationMakesACalmAndAJumpyWindowAlike() {
        // Same shape of changes, ten times larger in log terms: the normalised bandwidth channels agree.
        float[][] calm = new float[10][], jumpy = new float[10][];
        for (int i = 0; i < 10; i++) {
            double z = (i % 2 == 0 ? 1 : -1) * (1 + 0.1 * i);
            calm[i] = new float[] {(float) (100 * Math.exp(0.02 * z)), 20, 0.001f, 2, 0, 0};
            jumpy[i] = new float[] {(float) (100 * Math.exp(0.2 * z)), 20, 0.001f, 2, 0, 0};
        }
        assertEquals(10, LinkFeatures.spread(jumpy) / LinkFeatures.spread(calm), 0.5);
        LinkFeatures.Variant vol = LinkFeatures.Variant.parse("vol");
        float[] a = new float[60], b = new float[60];
        LinkFeatures.modelInput(calm, 1, vol, a, 0);
        LinkFeatures.modelInput(jumpy, 1, vol, b, 0);
        for (int t = 0; t < 10; t++) assertEquals(a[t * 6], b[t * 6], 0.12, "step " + t);
        assertEquals(0.01, LinkFeatures.spread(new float[][] {{5, 0, 0, 0, 0, 0}, {5, 0, 0, 0, 0, 0}}), 1e-12,
                "a constant window is floored at 1 % spread");
    }

    @Test
    void unknownVariantPartIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkFeatures.Variant.parse("vol,base=hm5"));
        assertEquals("feature variant: unknown part 'base=hm5' of 'vol,base=hm5'; known: vol, ewmach, base=last|ewma|med3",
                e.getMessage());
    }

    @Test
    void resampleAveragesThroughputOverTheCoarserStep() {
        double[][] rows = new double[5][];
        for (int i = 0; i < 5; i++) rows[i] = new double[] {i + 1, 50, 0.001, 5, 0, 0};
        LinkSeries s = new LinkSeries("trace_1", Schemas.LinkType.EDGE, 5, rows, new boolean[5]);
        LinkSeries r = Traces.resample(s, 2, 0);
        assertEquals(2, r.length());
        assertEquals(1.5, r.rows()[0][0]);
        assertEquals(3.5, r.rows()[1][0]);
        assertEquals(10, r.stepSeconds());
        assertEquals("trace_1@x2", r.id());
        assertEquals("fcc", Traces.family(r.id()));
        assertEquals("norway", Traces.family("ferry.nesoddtangen-oslo-report.2010-09-20_1542CEST.txt@x4"));
        assertEquals("synthetic", Traces.family("link-3"));
    }
}

package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one contract every {@link WindowPacker} meets, per implementation by subclass; results equal
 * {@link JavaWindowPacker}'s bit for bit (float subtraction and division in every implementation).
 */
@Timeout(60)
abstract class WindowPackerContract {

    abstract Implementation implementation();

    WindowPacker create(int nFeatures, int window, Scaling scaling) {
        return WindowPacker.create(nFeatures, window, scaling, implementation());
    }

    static Rings randomRings(Random rnd, int nRings, int capacity, int nf, int minCount) {
        Rings rings = new Rings(nRings, capacity, nf);
        float[] s = new float[nf];
        for (int r = 0; r < nRings; r++) {
            int adds = minCount + rnd.nextInt(3 * capacity); // often wraps around several times
            for (int i = 0; i < adds; i++) {
                for (int f = 0; f < nf; f++) {
                    s[f] = (float) (rnd.nextGaussian() * 100 + f * 10);
                }
                rings.add(r, s);
            }
        }
        return rings;
    }

    static Scaling randomScaling(Random rnd, int nf, boolean robust) {
        float[] c = new float[nf];
        float[] s = new float[nf];
        for (int f = 0; f < nf; f++) {
            c[f] = (float) (rnd.nextGaussian() * 50);
            s[f] = (float) (0.1 + rnd.nextDouble() * 30);
        }
        return robust ? Scaling.robust(c, s) : Scaling.standard(c, s);
    }

    static float[] reference(Rings rings, int[] select, int batch, int window, Scaling scaling) {
        float[] out = new float[batch * window * rings.nFeatures()];
        try (WindowPacker p = new JavaWindowPacker(rings.nFeatures(), window, scaling)) {
            p.pack(rings, select, batch, out);
        }
        return out;
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                assertEquals(expected[i], actual[i], what + " at " + i);
                throw new AssertionError(what + ": bits differ at " + i);
            }
        }
    }

    @Test
    void knownAnswerOldestFirstAcrossTheWrap() {
        Rings rings = new Rings(2, 4, 2);
        for (int i = 1; i <= 10; i++) { // ring 0 holds 7,8,9,10 with head at slot 2
            rings.add(0, new float[] {i, -i});
        }
        rings.add(1, new float[] {100, 200});
        rings.add(1, new float[] {101, 201});
        rings.add(1, new float[] {102, 202});
        Scaling scaling = Scaling.robust(new float[] {1, 0}, new float[] {2, 4});
        float[] out = new float[2 * 3 * 2];
        try (WindowPacker p = create(2, 3, scaling)) {
            assertEquals(implementation(), p.implementation());
            p.pack(rings, new int[] {0, 1}, 2, out);
        }
        assertArrayEquals(new float[] {
            (8 - 1) / 2f, -8 / 4f, (9 - 1) / 2f, -9 / 4f, (10 - 1) / 2f, -10 / 4f,
            (100 - 1) / 2f, 200 / 4f, (101 - 1) / 2f, 201 / 4f, (102 - 1) / 2f, 202 / 4f}, out);
    }

    @Test
    void randomRingsMatchTheReference() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int nf = 1 + rnd.nextInt(8);
            int capacity = 1 + rnd.nextInt(70);
            int window = 1 + rnd.nextInt(capacity);
            int nRings = 1 + rnd.nextInt(300);
            Rings rings = randomRings(rnd, nRings, capacity, nf, window);
            Scaling scaling = randomScaling(rnd, nf, trial % 2 == 0);
            int batch = 1 + rnd.nextInt(400);
            int[] select = new int[batch + 5];
            for (int b = 0; b < select.length; b++) {
                select[b] = rnd.nextInt(nRings); // repeats allowed: one link may feed two models
            }
            float[] expected = reference(rings, select, batch, window, scaling);
            float[] out = new float[batch * window * nf];
            try (WindowPacker p = create(nf, window, scaling)) {
                p.pack(rings, select, batch, out);
            }
            assertBitsEqual(expected, out, "trial " + trial);
        }
    }

    @Test
    void identityScalingCopiesExactly() {
        Random rnd = new Random(12);
        Rings rings = randomRings(rnd, 10, 16, 3, 16);
        float[] out = new float[16 * 3];
        try (WindowPacker p = create(3, 16, Scaling.identity(3))) {
            p.pack(rings, new int[] {7}, 1, out);
        }
        for (int k = 0; k < 16; k++) {
            for (int f = 0; f < 3; f++) {
                assertEquals(rings.get(7, 15 - k, f), out[k * 3 + f]);
            }
        }
    }

    @Test
    void emptyBatchDoesNothing() {
        Rings rings = new Rings(3, 4, 2);
        try (WindowPacker p = create(2, 4, Scaling.identity(2))) {
            assertDoesNotThrow(() -> p.pack(rings, new int[0], 0, new float[0]));
            assertDoesNotThrow(() -> p.pack(rings, new int[] {99}, 0, FloatBuffer.allocate(0)));
        }
    }

    @Test
    void shortRingAndBadIndexAreClearErrors() {
        Rings rings = new Rings(3, 8, 2);
        for (int i = 0; i < 8; i++) {
            rings.add(0, new float[] {i, i});
        }
        rings.add(2, new float[] {1, 1});
        try (WindowPacker p = create(2, 4, Scaling.identity(2))) {
            float[] out = new float[3 * 4 * 2];
            assertEquals("ring 2 (batch row 1) holds 1 samples, the window needs 4",
                    assertThrows(IllegalArgumentException.class, () -> p.pack(rings, new int[] {0, 2, 0}, 3, out)).getMessage());
            assertEquals("batch row 2 selects ring 3, outside 0..2",
                    assertThrows(IllegalArgumentException.class, () -> p.pack(rings, new int[] {0, 0, 3}, 3, out)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.pack(rings, new int[] {0, 0, -1}, 3, out));
            assertThrows(IllegalArgumentException.class, () -> p.pack(rings, new int[] {0}, 2, out));
            assertThrows(IllegalArgumentException.class, () -> p.pack(rings, new int[] {0, 0, 0, 0}, 4, out));
            assertThrows(IllegalArgumentException.class, () -> p.pack(new Rings(1, 2, 2), new int[] {0}, 1, out));
            assertThrows(IllegalArgumentException.class, () -> p.pack(new Rings(1, 8, 3), new int[] {0}, 1, out));
        }
    }

    @Test
    void nanSampleIsAClearErrorNamingWhere() {
        Random rnd = new Random(13);
        Rings rings = randomRings(rnd, 5, 10, 4, 10);
        // ring 3's slot for window step 2 (window 6): oldest of the window is head - 6
        int slot = Math.floorMod(rings.head(3) - 6 + 2, 10);
        rings.setRaw(3, slot, 1, Float.NaN);
        try (WindowPacker p = create(4, 6, Scaling.identity(4))) {
            float[] out = new float[3 * 6 * 4];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.pack(rings, new int[] {0, 3, 1}, 3, out));
            assertEquals("NaN in ring 3 (batch row 1), window step 2, feature 1", e.getMessage());
            assertDoesNotThrow(() -> p.pack(rings, new int[] {0, 1, 2}, 3, out));
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        WindowPacker p = create(2, 2, Scaling.identity(2));
        p.close();
        assertThrows(IllegalStateException.class, () -> p.pack(new Rings(1, 2, 2), new int[] {0}, 1, new float[4]));
        assertDoesNotThrow(p::close);
    }

    @Test
    void bufferOutputFromItsPosition() {
        Random rnd = new Random(14);
        Rings rings = randomRings(rnd, 50, 32, 6, 32);
        Scaling scaling = randomScaling(rnd, 6, true);
        int[] select = {3, 49, 0, 3, 17};
        float[] expected = reference(rings, select, 5, 20, scaling);
        FloatBuffer direct = ByteBuffer.allocateDirect((expected.length + 7) * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        direct.position(7);
        FloatBuffer heap = FloatBuffer.allocate(expected.length + 7).position(7);
        try (WindowPacker p = create(6, 20, scaling)) {
            p.pack(rings, select, 5, direct);
            p.pack(rings, select, 5, heap);
        }
        assertEquals(7, direct.position());
        float[] got = new float[expected.length];
        direct.get(7, got);
        assertBitsEqual(expected, got, "direct");
        heap.get(7, got);
        assertBitsEqual(expected, got, "heap");
    }

    @Test
    void scalingRejectsZeroSpread() {
        assertEquals("robust scaling: scale of feature 1 must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class,
                        () -> Scaling.robust(new float[] {0, 0}, new float[] {1, 0})).getMessage());
    }
}

package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one contract every {@link ForestScorer} implementation meets, run per implementation by a subclass
 * (which may skip itself with an assumption when its implementation is unavailable here). Results are
 * compared with {@link ReferenceForestScorer}, the reference: bit for bit when {@link #exact()}, else within
 * 1e-6 relative.
 */
@Timeout(60)
abstract class ForestScorerContract {

    abstract Implementation implementation();

    /** Whether results must equal the reference bit for bit (C: yes; CUDA: promised 1e-6 relative). */
    boolean exact() {
        return true;
    }

    ForestScorer create(FlatForest forest) {
        return ForestScorer.create(forest, implementation());
    }

    static double[] reference(FlatForest forest, double[] rows, int n) {
        double[] out = new double[n];
        try (ForestScorer s = new ReferenceForestScorer(forest)) {
            s.score(rows, n, out);
        }
        return out;
    }

    void assertMatches(double[] expected, double[] actual, int n, String what) {
        for (int i = 0; i < n; i++) {
            if (exact()) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                        () -> what + ": bits differ from the reference");
            } else {
                assertEquals(expected[i], actual[i], Math.abs(expected[i]) * 1e-6, what);
            }
        }
    }

    @Test
    void reportsItsImplementation() {
        try (ForestScorer s = create(TestForests.random(new Random(1), 2, 3, 4))) {
            assertEquals(implementation(), s.implementation());
        }
    }

    @Test
    void randomForestsAndBatchesMatchTheReference() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 25; trial++) {
            int nf = 1 + rnd.nextInt(8);
            FlatForest forest = TestForests.random(rnd, 1 + rnd.nextInt(60), nf, 1 + rnd.nextInt(10));
            int n = 1 + rnd.nextInt(trial % 5 == 0 ? 5000 : 700); // odd sizes: exercise partial blocks
            double[] rows = TestForests.rows(rnd, n, nf);
            double[] expected = reference(forest, rows, n);
            double[] out = new double[n];
            try (ForestScorer s = create(forest)) {
                s.score(rows, n, out);
            }
            assertMatches(expected, out, n, "trial " + trial);
            for (double v : out) {
                assertTrue(v > 0 && v <= 1, "score in (0, 1]: " + v);
            }
        }
    }

    @Test
    void knownAnswerForOneHandBuiltTree() {
        // root: x0 <= 0.5 ? leaf(1 + c(2)) : (x1 <= -1 ? leaf(2 + c(1)) : leaf(2 + c(5)))
        double c2 = FlatForest.averagePathLength(2);
        double c5 = FlatForest.averagePathLength(5);
        FlatForest f = new FlatForest(2, new int[] {0, 5}, new int[] {0, -1, 1, -1, -1},
                new double[] {0.5, 0, -1, 0, 0}, new int[] {1, -1, 3, -1, -1}, new int[] {2, -1, 4, -1, -1},
                new double[] {0, 1 + c2, 0, 2 + 0.0, 2 + c5}, FlatForest.averagePathLength(8));
        double[] rows = {0.5, 9, /* tie goes left */ 0.6, -1, 0.6, -0.99};
        double[] out = new double[3];
        try (ForestScorer s = create(f)) {
            s.score(rows, 3, out);
        }
        double norm = FlatForest.averagePathLength(8);
        assertEquals(Math.pow(2, -(1 + c2) / norm), out[0], 1e-15);
        assertEquals(Math.pow(2, -2.0 / norm), out[1], 1e-15);
        assertEquals(Math.pow(2, -(2 + c5) / norm), out[2], 1e-15);
    }

    @Test
    void emptyBatchDoesNothing() {
        try (ForestScorer s = create(TestForests.random(new Random(2), 3, 4, 5))) {
            double[] out = {7.0};
            assertDoesNotThrow(() -> s.score(new double[0], 0, new double[0]));
            s.score(new double[4], 0, out);
            assertEquals(7.0, out[0]);
            s.score(DoubleBuffer.allocate(0), 0, DoubleBuffer.allocate(0));
        }
    }

    @Test
    void singleTreeAndDepthOneAndLeafOnlyTrees() {
        Random rnd = new Random(3);
        double[] rows = TestForests.rows(rnd, 333, 3);
        // single random tree
        FlatForest single = TestForests.random(rnd, 1, 3, 8);
        // depth 1: root and two leaves
        FlatForest depth1 = new FlatForest(3, new int[] {0, 3}, new int[] {2, -1, -1}, new double[] {0.25, 0, 0},
                new int[] {1, -1, -1}, new int[] {2, -1, -1}, new double[] {0, 1.5, 3.25}, 2.0);
        // a tree that is one leaf, next to a depth-1 tree
        FlatForest leafOnly = new FlatForest(3, new int[] {0, 1, 4}, new int[] {-1, 0, -1, -1},
                new double[] {0, -0.5, 0, 0}, new int[] {-1, 2, -1, -1}, new int[] {-1, 3, -1, -1},
                new double[] {4.0, 0, 1.0, 2.0}, 3.0);
        for (FlatForest f : List.of(single, depth1, leafOnly)) {
            double[] out = new double[333];
            try (ForestScorer s = create(f)) {
                s.score(rows, 333, out);
            }
            assertMatches(reference(f, rows, 333), out, 333, f.nTrees() + " tree(s)");
        }
    }

    @Test
    void nanFeatureIsAClearErrorNamingRowAndColumn() {
        Random rnd = new Random(4);
        FlatForest f = TestForests.random(rnd, 10, 5, 6);
        double[] rows = TestForests.rows(rnd, 1000, 5);
        rows[777 * 5 + 3] = Double.NaN;
        rows[901 * 5 + 0] = Double.NaN;
        try (ForestScorer s = create(f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.score(rows, 1000, new double[1000]));
            assertEquals("sample row 777, column 3 is NaN", e.getMessage());
            // the scorer stays usable after a rejected batch
            double[] ok = new double[700];
            s.score(rows, 700, ok);
            assertMatches(reference(f, rows, 700), ok, 700, "after NaN");
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        ForestScorer s = create(TestForests.random(new Random(5), 4, 2, 4));
        s.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.score(new double[2], 1, new double[1]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertDoesNotThrow(s::close);
    }

    @Test
    void sizesThatDoNotFitAreRejected() {
        try (ForestScorer s = create(TestForests.random(new Random(6), 4, 3, 4))) {
            assertEquals("2 rows of 3 features need 6 values, rows holds 5",
                    assertThrows(IllegalArgumentException.class, () -> s.score(new double[5], 2, new double[2])).getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.score(new double[6], 2, new double[1]));
            assertThrows(IllegalArgumentException.class, () -> s.score(new double[6], -1, new double[1]));
        }
    }

    @Test
    void directAndHeapBuffersFromTheirPositions() {
        Random rnd = new Random(7);
        int nf = 6;
        int n = 1234;
        FlatForest f = TestForests.random(rnd, 30, nf, 8);
        double[] rows = TestForests.rows(rnd, n + 10, nf);
        double[] expected = reference(f, java.util.Arrays.copyOfRange(rows, 10 * nf, (10 + n) * nf), n);
        DoubleBuffer in = ByteBuffer.allocateDirect(rows.length * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        in.put(rows).position(10 * nf);
        DoubleBuffer out = ByteBuffer.allocateDirect((n + 3) * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
        out.position(3);
        DoubleBuffer heapIn = DoubleBuffer.wrap(rows).position(10 * nf);
        DoubleBuffer heapOut = DoubleBuffer.allocate(n + 3).position(3);
        DoubleBuffer bigEndian = ByteBuffer.allocateDirect(rows.length * 8).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer();
        bigEndian.put(rows).position(10 * nf);
        DoubleBuffer out2 = DoubleBuffer.allocate(n);
        try (ForestScorer s = create(f)) {
            s.score(in, n, out);
            s.score(heapIn, n, heapOut);
            s.score(bigEndian, n, out2);
        }
        assertEquals(10 * nf, in.position());
        assertEquals(3, out.position());
        double[] got = new double[n];
        out.get(3, got);
        assertMatches(expected, got, n, "direct");
        heapOut.get(3, got);
        assertMatches(expected, got, n, "heap");
        out2.get(0, got);
        assertMatches(expected, got, n, "big-endian direct");
    }

    @Test
    void concurrentCallersGetTheSameResults() throws Exception {
        Random rnd = new Random(8);
        FlatForest f = TestForests.random(rnd, 40, 6, 8);
        int n = 3000;
        double[] rows = TestForests.rows(rnd, n, 6);
        double[] expected = reference(f, rows, n);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (ForestScorer s = create(f)) {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    double[] out = new double[n];
                    s.score(rows, n, out);
                    return out;
                }));
            }
            for (Future<double[]> fu : futures) {
                assertMatches(expected, fu.get(), n, "concurrent");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void scoresDoNotDependOnBatchSplit() {
        Random rnd = new Random(9);
        FlatForest f = TestForests.random(rnd, 20, 4, 8);
        double[] rows = TestForests.rows(rnd, 600, 4);
        double[] whole = new double[600];
        double[] parts = new double[600];
        try (ForestScorer s = create(f)) {
            s.score(rows, 600, whole);
            for (int start = 0; start < 600; start += 97) {
                int m = Math.min(97, 600 - start);
                double[] o = new double[m];
                s.score(java.util.Arrays.copyOfRange(rows, start * 4, (start + m) * 4), m, o);
                System.arraycopy(o, 0, parts, start, m);
            }
        }
        assertArrayEquals(whole, parts);
    }
}

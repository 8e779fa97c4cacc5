package io.dwcp.models.forest;

import io.dwcp.jni.FlatForest;
import io.dwcp.jni.ReferenceForestScorer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class IsolationForestTest {
    private static double[][] blob(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][4];
        for (double[] row : x) for (int j = 0; j < 4; j++) row[j] = r.nextGaussian();
        return x;
    }

    private static double score(FlatForest f, double[] x) {
        try (ReferenceForestScorer s = new ReferenceForestScorer(f)) {
            return s.score(new double[][] {x})[0];
        }
    }

    @Test
    void sameSeedGivesIdenticalForestAndDifferentSeedDoesNot() {
        double[][] x = blob(500, 3);
        FlatForest a = new IsolationForestTrainer(50, 128, 42).fit(x);
        FlatForest b = new IsolationForestTrainer(50, 128, 42).fit(x);
        FlatForest c = new IsolationForestTrainer(50, 128, 43).fit(x);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void knownOutlierScoresHighAndInlierLow() {
        FlatForest f = new IsolationForestTrainer(100, 256, 7).fit(blob(1000, 5));
        double outlier = score(f, new double[] {8, 8, -8, 8});
        double inlier = score(f, new double[] {0, 0, 0, 0});
        assertTrue(outlier > 0.7, "outlier score " + outlier);
        assertTrue(inlier < 0.5, "inlier score " + inlier);
        assertTrue(outlier <= 1.0 && inlier > 0);
    }

    @Test
    void flatFormatInvariantsAndFileRoundTrip() throws Exception {
        FlatForest f = new IsolationForestTrainer(20, 64, 1).fit(blob(300, 9));
        assertEquals(20, f.nTrees());
        assertEquals(FlatForest.averagePathLength(64), f.normalizer(), 0);
        int[] feat = f.feature();
        double[] leaf = f.leafValue();
        for (int i = 0; i < f.nNodes(); i++) {
            if (feat[i] == -1) assertTrue(leaf[i] >= 0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(out);
        FlatForest back = FlatForest.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(f, back);
        double[] probe = {0.3, -1, 2, 0};
        assertEquals(score(f, probe), score(back, probe), 0);
    }

    @Test
    void singleTreeOfTwoPointsIsolatesInOneSplit() {
        double[][] x = {{0.0}, {1.0}};
        FlatForest f = new IsolationForestTrainer(1, 2, 1).fit(x);
        // root split + two leaves of depth 1 and size 1 -> path length 1 for both points, normalizer c(2)=1
        assertEquals(3, f.nNodes());
        assertEquals(0.5, score(f, new double[] {0.0}), 1e-12);
    }
}

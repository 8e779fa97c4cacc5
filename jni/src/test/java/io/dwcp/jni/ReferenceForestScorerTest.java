package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract's edge cases on the reference itself (its results are the reference by definition). */
class ReferenceForestScorerTest extends ForestScorerContract {
    @Override
    Implementation implementation() {
        return Implementation.JAVA;
    }

    @Override
    ForestScorer create(FlatForest forest) {
        return new ReferenceForestScorer(forest);
    }

    @Test
    void rowArraysScoreAsTheFlatLayout() {
        Random rnd = new Random(11);
        FlatForest f = TestForests.random(rnd, 12, 3, 6);
        double[] flat = TestForests.rows(rnd, 50, 3);
        double[][] rows = new double[50][];
        for (int i = 0; i < 50; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * 3, i * 3 + 3);
        }
        try (ReferenceForestScorer s = new ReferenceForestScorer(f)) {
            assertArrayEquals(reference(f, flat, 50), s.score(rows));
            assertEquals("row 1 has 2 features, the forest 3", assertThrows(IllegalArgumentException.class,
                    () -> s.score(new double[][] {{0, 0, 0}, {0, 0}})).getMessage());
        }
    }
}

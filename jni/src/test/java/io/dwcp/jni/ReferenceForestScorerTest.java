package io.dwcp.jni;

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
}

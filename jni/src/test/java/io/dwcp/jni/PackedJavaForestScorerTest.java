package io.dwcp.jni;

/** {@link Implementation#JAVA}: the packed-layout Java fallback, against the reference. */
class PackedJavaForestScorerTest extends ForestScorerContract {
    @Override
    Implementation implementation() {
        return Implementation.JAVA;
    }
}

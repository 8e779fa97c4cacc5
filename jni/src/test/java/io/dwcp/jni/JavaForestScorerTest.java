package io.dwcp.jni;

class JavaForestScorerTest extends ForestScorerContract {
    @Override
    Implementation implementation() {
        return Implementation.JAVA;
    }
}

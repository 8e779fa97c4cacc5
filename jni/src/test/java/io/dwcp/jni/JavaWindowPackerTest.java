package io.dwcp.jni;

class JavaWindowPackerTest extends WindowPackerContract {
    @Override
    Implementation implementation() {
        return Implementation.JAVA;
    }
}

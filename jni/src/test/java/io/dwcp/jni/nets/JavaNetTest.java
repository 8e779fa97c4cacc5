package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;

class JavaNetTest extends NetContract {
    @Override
    Implementation impl() {
        return Implementation.JAVA;
    }
}

package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

class CWindowPackerTest extends WindowPackerContract {
    @BeforeAll
    static void available() {
        assumeTrue(NativeCpu.isAvailable(), () -> "C kernels unavailable: " + NativeCpu.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.C;
    }
}

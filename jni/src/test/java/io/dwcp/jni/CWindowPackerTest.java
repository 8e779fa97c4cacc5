package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

class CWindowPackerTest extends WindowPackerContract {
    @BeforeEach
    void available() { // per test, so the report counts skipped tests rather than none
        assumeTrue(NativeCpu.isAvailable(), () -> "C kernels unavailable: " + NativeCpu.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.C;
    }
}

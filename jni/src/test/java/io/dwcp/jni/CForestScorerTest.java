package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/** The contract on the C kernels. They are built on every CI host, so CI also asserts they load (ProbeTest). */
class CForestScorerTest extends ForestScorerContract {
    @BeforeEach
    void available() { // per test, so the report counts skipped tests rather than none
        assumeTrue(NativeCpu.isAvailable(), () -> "C kernels unavailable: " + NativeCpu.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.C;
    }
}

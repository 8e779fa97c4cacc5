package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The contract on the C kernels. They are built on every CI host, so CI also asserts they load (ProbeTest). */
class CForestScorerTest extends ForestScorerContract {
    @BeforeAll
    static void available() {
        assumeTrue(NativeCpu.isAvailable(), () -> "C kernels unavailable: " + NativeCpu.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.C;
    }
}

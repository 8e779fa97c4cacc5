package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** Skipped (by assumption) wherever no usable GPU is found. */
class CudaWindowPackerTest extends WindowPackerContract {
    @BeforeAll
    static void available() {
        assumeTrue(NativeCuda.isAvailable(), () -> "CUDA unavailable: " + NativeCuda.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.CUDA;
    }
}

package io.dwcp.jni;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;

/** The contract on the CUDA kernels; skipped (by assumption) wherever no usable GPU is found. */
class CudaForestScorerTest extends ForestScorerContract {
    @BeforeEach
    void available() { // per test, so the report counts skipped tests rather than none
        assumeTrue(NativeCuda.isAvailable(), () -> "CUDA unavailable: " + NativeCuda.unavailabilityCause());
    }

    @Override
    Implementation implementation() {
        return Implementation.CUDA;
    }

    @Override
    boolean exact() {
        return false;
    }
}

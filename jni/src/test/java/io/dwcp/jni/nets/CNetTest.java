package io.dwcp.jni.nets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.jni.Implementation;
import org.junit.jupiter.api.BeforeAll;

/** The C kernels; skipped (with the reason) where libdwcp_nets.so does not load. */
class CNetTest extends NetContract {
    @BeforeAll
    static void available() {
        assumeTrue(NativeNets.isAvailable(), () -> "libdwcp_nets.so unavailable: " + NativeNets.unavailabilityCause());
    }

    @Override
    Implementation impl() {
        return Implementation.C;
    }
}

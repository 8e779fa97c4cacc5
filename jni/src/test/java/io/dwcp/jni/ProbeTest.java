package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probes and the selection, in a JVM where nothing is disabled. */
class ProbeTest {

    @Test
    void nativeTestsRunUnderJniChecks() {
        assertTrue(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xcheck:jni"),
                "surefire must pass -Xcheck:jni (jni/pom.xml)");
    }

    @Test
    void cKernelsLoadFromTheBuild() {
        // The C library is built on every host that builds this module, so here it must load.
        NativeCpu.ensureAvailability();
        assertNull(NativeCpu.unavailabilityCause());
    }

    @Test
    void cudaEitherWorksOrSaysWhy() {
        System.out.println(Kernels.describe());
        if (NativeCuda.isAvailable()) {
            assertNotNull(NativeCuda.device());
            assertEquals(Implementation.CUDA, Kernels.best());
        } else {
            Throwable cause = NativeCuda.unavailabilityCause();
            assertNotNull(cause.getMessage());
            assertTrue(cause.getMessage().startsWith("CUDA unavailable: "), cause.getMessage());
            assertThrows(UnsatisfiedLinkError.class, NativeCuda::ensureAvailability);
            assertEquals(Implementation.C, Kernels.best());
            assertTrue(Kernels.describe().startsWith("kernels: c (cuda skipped: CUDA unavailable: "), Kernels.describe());
        }
    }

    @Test
    void selectionFollowsAvailability() {
        Map<Implementation, String> reasons = Kernels.reasons();
        assertNull(reasons.get(Implementation.JAVA));
        assertEquals(Kernels.best(), Kernels.selected());
        try (ForestScorer s = ForestScorer.create(TestForests.random(new java.util.Random(1), 3, 2, 3))) {
            assertEquals(Kernels.best(), s.implementation());
        }
    }

    @Test
    void pinnedUnknownNameIsAClearError() {
        assertEquals("unknown kernel implementation 'gpu', expected one of cuda, c, java",
                assertThrows(IllegalArgumentException.class, () -> Implementation.parse("gpu")).getMessage());
        assertEquals(Implementation.CUDA, Implementation.parse(" CUDA "));
    }

    @Test
    void unavailableImplementationCannotBeCreated() {
        if (!NativeCuda.isAvailable()) {
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                    () -> ForestScorer.create(TestForests.random(new java.util.Random(1), 3, 2, 3), Implementation.CUDA));
            assertNotNull(e.getCause());
        }
    }
}

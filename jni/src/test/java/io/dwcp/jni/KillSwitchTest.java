package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs in its own surefire execution (jni/pom.xml) with -Ddwcp.native.disable=true, since the probes read
 * the switch once per JVM; elsewhere it skips itself.
 */
class KillSwitchTest {

    @Test
    void killSwitchFallsBackToJava() {
        assumeTrue(Boolean.getBoolean(NativeCpu.DISABLE_PROPERTY), "runs only in the kill-switch execution");
        assertFalse(NativeCpu.isAvailable());
        assertFalse(NativeCuda.isAvailable());
        assertEquals("C kernels disabled by -Ddwcp.native.disable=true", NativeCpu.unavailabilityCause().getMessage());
        assertEquals(Implementation.JAVA, Kernels.best());
        assertTrue(Kernels.describe().startsWith("kernels: java (cuda skipped: CUDA kernels disabled by -Ddwcp.native.disable=true)"
                + " (c skipped: C kernels disabled"), Kernels.describe());
        try (ForestScorer s = ForestScorer.create(TestForests.random(new java.util.Random(1), 3, 2, 3))) {
            assertEquals(Implementation.JAVA, s.implementation());
        }
    }
}

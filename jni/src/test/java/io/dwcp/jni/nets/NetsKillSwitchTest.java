package io.dwcp.jni.nets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.NativeCpu;
import org.junit.jupiter.api.Test;

/**
 * Runs in the kill-switch surefire execution (jni/pom.xml, -Ddwcp.native.disable=true); elsewhere it skips
 * itself, since the probe reads the switch once per JVM.
 */
class NetsKillSwitchTest {
    @Test
    void killSwitchLeavesThePureJavaNetworks() {
        assumeTrue(Boolean.getBoolean(NativeCpu.DISABLE_PROPERTY), "runs only in the kill-switch execution");
        assertFalse(NativeNets.isAvailable());
        assertNull(NativeNets.isa());
        assertEquals("native networks disabled by -Ddwcp.native.disable=true", NativeNets.unavailabilityCause().getMessage());
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, NativeNets::ensureAvailability);
        assertEquals("native networks (libdwcp_nets.so) unavailable: java.lang.UnsupportedOperationException: native networks"
                + " disabled by -Ddwcp.native.disable=true", e.getMessage());
        assertEquals(Implementation.JAVA, Nets.best());
        NetWeights w = TestNets.random(NetKind.FORECASTER, new int[] {32}, 1, 4);
        try (Net n = Nets.load(w)) {
            assertEquals(Implementation.JAVA, n.implementation());
        }
        assertThrows(UnsatisfiedLinkError.class, () -> Nets.create(w, Implementation.C));
    }
}

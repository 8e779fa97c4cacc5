package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeEnvTest {
    @Test
    void setsAVariableWhereTheCLibraryLoads() {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        assertTrue(NativeEnv.setDefault("DWCP_NATIVE_ENV_TEST", "1"));
    }

    @Test
    void anOperatorsValueIsKept() {
        String path = System.getenv("PATH");
        assumeTrue(path != null);
        assertTrue(NativeEnv.setDefault("PATH", "/nowhere"));
        assertEquals(path, System.getenv("PATH"));
    }

    @Test
    void muteStderrRunsTheActionAndRestores() {
        assertEquals("done", NativeEnv.muteStderr(() -> {
            System.err.println("this line goes to /dev/null where the C library loads");
            return "done";
        }));
        System.err.println("stderr is back");
    }
}

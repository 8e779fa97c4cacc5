package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A small tmpfs for tests of full or read-only disks; the test is skipped where mounting is not allowed (not root). */
public final class Tmpfs {
    private Tmpfs() {}

    public static Path mount(String options) throws Exception {
        Path mnt = Files.createTempDirectory("dwcp-mnt");
        boolean ok;
        try {
            ok = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mnt.toString()) == 0;
        } catch (IOException noMount) {
            ok = false;
        }
        if (!ok) {
            Files.deleteIfExists(mnt);
        }
        assumeTrue(ok, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        return mnt;
    }

    public static void umount(Path mnt) throws Exception {
        run("umount", mnt.toString());
        Files.deleteIfExists(mnt);
    }

    public static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}

package io.dwcp.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A shutdown hook that never returns: the armed deadline still ends the JVM, with status 143. */
@Timeout(60)
class StopDeadlineTest {

    /** Child JVM: a hook arms the deadline (as SdNotify.stopping does) and then hangs; then SIGTERM-like exit. */
    public static final class HangingShutdown {
        public static void main(String[] args) throws Exception {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                StopDeadline.arm(Duration.ofMillis(Long.parseLong(args[0])));
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.out.println("started");
            System.out.flush();
            System.exit(0); // runs the hooks, as SIGTERM would
        }
    }

    @Test
    void haltsWith143WhenShutdownHangs(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("out.txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HangingShutdown.class.getName(), "500")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM did not end");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String log = Files.readString(out);
        assertEquals(143, p.exitValue(), log);
        assertTrue(log.contains("halting now (status 143)"), log);
        assertTrue(ms < 20_000, "took " + ms + " ms");
    }
}

package io.dwcp.agent.ops;

import io.dwcp.jni.NativeThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the kernel says of a thread's scheduler slice, for the scheduling tests. */
public final class ProcSched {
    private ProcSched() {
    }

    /** se.slice (ns) from a thread's {@code sched} file, where the kernel has scheduler debug files. */
    public static OptionalLong slice(Path sched) {
        try {
            for (String line : Files.readAllLines(sched)) {
                if (line.startsWith("se.slice")) {
                    return OptionalLong.of(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
                }
            }
        } catch (Exception e) {
            // no such file on this kernel, or the thread has ended
        }
        return OptionalLong.empty();
    }

    /** Whether this host grants a 100 µs slice (Linux 6.12+ and our C library), asked on a scratch thread. */
    public static NativeThreads.Outcome probe() throws InterruptedException {
        AtomicReference<NativeThreads.Outcome> o = new AtomicReference<>();
        Thread t = new Thread(() -> o.set(NativeThreads.requestSlice(100_000)));
        t.start();
        t.join();
        return o.get();
    }
}

package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {
    /** The calling thread's se.slice from /proc (kernels with scheduler debug files), in ns. */
    static OptionalLong procSlice(Path sched) throws Exception {
        if (!Files.isReadable(sched)) {
            return OptionalLong.empty();
        }
        for (String line : Files.readAllLines(sched)) {
            if (line.startsWith("se.slice")) {
                return OptionalLong.of(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
            }
        }
        return OptionalLong.empty();
    }

    private static <T> T onNewThread(java.util.concurrent.Callable<T> body) throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                out.set(body.call());
            } catch (Exception e) {
                out.set(e);
            }
        });
        t.start();
        t.join();
        if (out.get() instanceof Exception e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T v = (T) out.get();
        return v;
    }

    @Test
    void theSliceTheKernelReportsIsTheOneInForce() throws Exception {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        Object[] r = onNewThread(() -> {
            OptionalLong before = procSlice(Path.of("/proc/thread-self/sched"));
            NativeThreads.Outcome o = NativeThreads.requestSlice(100_000);
            return new Object[] {before, o, procSlice(Path.of("/proc/thread-self/sched"))};
        });
        NativeThreads.Outcome o = (NativeThreads.Outcome) r[1];
        OptionalLong after = (OptionalLong) r[2];
        if (o.applied()) {
            assertEquals("slice 100 µs", o.detail());
            after.ifPresent(ns -> assertEquals(100_000, ns, "/proc/thread-self/sched se.slice"));
        } else {
            // Only an older kernel may refuse quietly; whatever it says, the reason is given.
            assertTrue(o.detail().contains("Linux 6.12") || o.detail().contains("errno"), o.detail());
        }
    }

    @Test
    void onlyTheCallingThreadChanges() throws Exception {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        OptionalLong mine = procSlice(Path.of("/proc/thread-self/sched"));
        NativeThreads.Outcome o = onNewThread(() -> NativeThreads.requestSlice(100_000));
        assumeTrue(o.applied(), o.detail());
        assertEquals(mine, procSlice(Path.of("/proc/thread-self/sched")));
    }

    @Test
    void theKernelClampsTooShortASlice() throws Exception {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        NativeThreads.Outcome o = onNewThread(() -> NativeThreads.requestSlice(1_000));
        assumeTrue(o.applied(), o.detail());
        assertEquals("slice 100 µs", o.detail());
    }

    @Test
    void niceLowersAnotherThreadOfThisProcess() throws Exception {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<String> tid = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                // /proc/thread-self -> <pid>/task/<tid>: the kernel's id of this thread, which Java 17 does not expose.
                tid.set(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
                done.await();
            } catch (Exception e) {
                tid.set("error " + e);
            }
        });
        t.start();
        while (tid.get() == null) {
            Thread.onSpinWait();
        }
        try {
            assumeTrue(!tid.get().startsWith("error"), tid.get());
            NativeThreads.Outcome o = NativeThreads.nice(Integer.parseInt(tid.get()), 7);
            assertTrue(o.applied(), o.detail());
            String stat = Files.readString(Path.of("/proc/self/task/" + tid.get() + "/stat"));
            // Fields after the command's closing parenthesis: state is field 3, nice field 19.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals("7", f[19 - 3]);
        } finally {
            done.countDown();
            t.join();
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assumeTrue(NativeCpu.isAvailable(), "C library unavailable here");
        assertFalse(NativeThreads.nice(0, 5).applied());
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.requestSlice(0));
    }
}

package io.dwcp.agent.inference;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start JavaCPP unpacks TensorFlow's native library (~650 MB) into its cache before TensorFlow
 * can load, which takes tens of seconds on a slow disk with nothing printed (issue 18). This says so, and
 * where, and logs the bytes unpacked every few seconds until loading returns. Costs one directory walk when
 * the library is already unpacked.
 */
final class FirstStart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FirstStart.class);
    private static final long EXPECTED_BYTES = 650L << 20;
    private static final long EVERY_MS = 3000;

    private final AtomicBoolean done;
    private final Thread progress;

    private FirstStart(AtomicBoolean done, Thread progress) {
        this.done = done;
        this.progress = progress;
    }

    /** Starts reporting if TensorFlow's library is not in the cache yet; a no-op otherwise. */
    static FirstStart announce() {
        Path cache;
        try {
            File dir = org.bytedeco.javacpp.Loader.getCacheDir();
            cache = dir.toPath();
        } catch (IOException | RuntimeException e) {
            return new FirstStart(new AtomicBoolean(true), null);
        }
        if (unpacked(cache)) {
            return new FirstStart(new AtomicBoolean(true), null);
        }
        LOG.info("first start: unpacking TensorFlow's native library (~650 MB) into {} (once; set "
                + "-Dorg.bytedeco.javacpp.cachedir=DIR to put it elsewhere)", cache);
        long before = bytes(cache);
        AtomicBoolean done = new AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!done.get()) {
                try {
                    Thread.sleep(EVERY_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (!done.get()) {
                    long mb = Math.max(0, bytes(cache) - before) >> 20;
                    LOG.info("unpacking TensorFlow: {} of ~{} MB", mb, EXPECTED_BYTES >> 20);
                }
            }
        }, "dwcp-unpack-progress");
        t.setDaemon(true);
        t.start();
        return new FirstStart(done, t);
    }

    private static boolean unpacked(Path cache) {
        if (!Files.isDirectory(cache)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(cache, 12)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("libtensorflow_cc.so"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static long bytes(Path cache) {
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(cache, 12)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        done.set(true);
        if (progress != null) {
            progress.interrupt();
            LOG.info("TensorFlow's native library is unpacked and loaded");
        }
    }
}

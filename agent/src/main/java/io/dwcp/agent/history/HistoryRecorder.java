package io.dwcp.agent.history;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ops.RateLimitedLog;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.models.history.HistoryFormat;
import io.dwcp.models.history.HistoryRow;
import io.dwcp.models.history.HistoryWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every ingested sample, as the features its model reads, to rolling history files (format:
 * {@code models/HISTORY.md}). The pipeline worker calls {@link #record}, which only offers the (immutable)
 * record to a bounded queue: a full queue is a counted drop ({@code dwcp_history_dropped_total{reason=
 * "queue_full"}}), never a wait. One writer thread turns the queue into one block per kind per flush
 * interval, rolls files by size or age, and deletes the oldest files beyond the size cap or the retention.
 * A block that cannot be written (disk full, I/O error) is dropped and counted ({@code reason="write_error"})
 * and the next flush starts a new file. Thread-safe.
 */
public final class HistoryRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Rows of one kind that force a flush before the interval ends (keeps blocks and buffers bounded). */
    static final int MAX_BLOCK_ROWS = 8192;

    private final AgentConfig.History config;
    private final ModelRegistry models;
    private final ArrayBlockingQueue<MetricRecord> queue;
    private final Counter written;
    private final Counter droppedFull;
    private final Counter droppedWrite;
    private final Counter deletedSize;
    private final Counter deletedAge;
    private final Counter deletedEmpty;
    private final AtomicLong dirBytes = new AtomicLong();
    private final RateLimitedLog errorLog = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final LongSupplier clock;
    private final Thread thread;
    private volatile boolean running = true;
    private HistoryWriter current;
    private long currentOpenedMillis;
    private int seq;
    private boolean writeFailed;

    public HistoryRecorder(AgentConfig.History config, ModelRegistry models, MeterRegistry registry) {
        this(config, models, registry, System::currentTimeMillis);
    }

    HistoryRecorder(AgentConfig.History config, ModelRegistry models, MeterRegistry registry, LongSupplier clock) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("history recording is disabled");
        }
        this.config = config;
        this.models = models;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        written = Counter.builder("dwcp.history.records").description("samples written to the history store")
                .register(registry);
        droppedFull = Counter.builder("dwcp.history.dropped").tag("reason", "queue_full")
                .description("samples not recorded").register(registry);
        droppedWrite = Counter.builder("dwcp.history.dropped").tag("reason", "write_error")
                .description("samples not recorded").register(registry);
        deletedSize = Counter.builder("dwcp.history.files.deleted").tag("reason", "size")
                .description("history files deleted by the size cap or the retention").register(registry);
        deletedAge = Counter.builder("dwcp.history.files.deleted").tag("reason", "age")
                .description("history files deleted by the size cap or the retention").register(registry);
        deletedEmpty = Counter.builder("dwcp.history.files.deleted").tag("reason", "empty")
                .description("history files deleted by the size cap or the retention").register(registry);
        Gauge.builder("dwcp.history.bytes", dirBytes, AtomicLong::get).baseUnit("bytes")
                .description("size of the history files on disk").register(registry);
        Gauge.builder("dwcp.history.queue.depth", queue, ArrayBlockingQueue::size)
                .description("samples waiting for the history writer").register(registry);
        thread = new Thread(this::run, "dwcp-history");
        thread.setDaemon(true);
    }

    public HistoryRecorder start() throws IOException {
        Files.createDirectories(config.dir());
        enforceLimits();
        thread.start();
        LOG.info("recording history to {} (cap {} bytes, retention {})", config.dir(), config.maxBytes(), config.retention());
        return this;
    }

    /** Never blocks: a full queue drops the sample and counts it. */
    public void record(MetricRecord r) {
        if (models.historyOf(r.measurement()).isEmpty()) {
            return; // no model reads it: nothing to retrain from
        }
        if (!queue.offer(r)) {
            droppedFull.increment();
        }
    }

    private void run() {
        Map<io.dwcp.agent.ingest.Measurement, List<HistoryRow>> pending = new java.util.LinkedHashMap<>();
        long flushNanos = config.flushInterval().toNanos();
        long lastFlush = System.nanoTime();
        List<MetricRecord> drained = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                MetricRecord first = queue.poll(Math.max(1, flushNanos / 4), TimeUnit.NANOSECONDS);
                if (first != null) {
                    drained.add(first);
                    queue.drainTo(drained, 4096);
                    boolean full = false;
                    for (MetricRecord r : drained) {
                        List<HistoryRow> rows = pending.computeIfAbsent(r.measurement(), m -> new ArrayList<>());
                        rows.add(new HistoryRow(r.key(), r.timestampMillis(), spec(r.measurement()).features(r)));
                        full |= rows.size() >= MAX_BLOCK_ROWS;
                    }
                    drained.clear();
                    if (!full && System.nanoTime() - lastFlush < flushNanos) {
                        continue;
                    }
                } else if (System.nanoTime() - lastFlush < flushNanos) {
                    continue;
                }
                flush(pending);
                lastFlush = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (VirtualMachineError | LinkageError fatal) {
                throw fatal;
            } catch (RuntimeException e) {
                errorLog.warn("history writer error", String.valueOf(e));
            }
        }
        flush(pending);
        closeCurrent();
    }

    /** The model that records a measurement's rows (its feature function, its schema's name as the kind). */
    private ModelSpec<?, ?> spec(io.dwcp.agent.ingest.Measurement m) {
        return models.historyOf(m).orElseThrow(() -> new IllegalStateException("no model records " + m));
    }

    /** The history kind of a measurement: its recording model's schema name. */
    String kind(io.dwcp.agent.ingest.Measurement m) {
        return spec(m).schema().model();
    }

    private void flush(Map<io.dwcp.agent.ingest.Measurement, List<HistoryRow>> pending) {
        for (Map.Entry<io.dwcp.agent.ingest.Measurement, List<HistoryRow>> e : pending.entrySet()) {
            List<HistoryRow> rows = e.getValue();
            if (rows.isEmpty()) {
                continue;
            }
            try {
                HistoryWriter w = writer();
                long before = w.size();
                w.write(kind(e.getKey()), rows);
                dirBytes.addAndGet(w.size() - before);
                written.increment(rows.size());
            } catch (IOException | RuntimeException ex) {
                droppedWrite.increment(rows.size());
                errorLog.warn("history block not written, " + rows.size() + " samples dropped", String.valueOf(ex));
                // Issue 17 item 6: each failed flush used to leave a new empty file behind (40 in 25 s on a full
                // disk) that the cap never removed. Cut the file back to its last whole block (or delete it when it
                // has none) and apply the cap now; the next block starts a fresh file.
                abandonCurrent();
                writeFailed = true;
            }
            rows.clear();
        }
        if (writeFailed) {
            writeFailed = false;
            enforceLimits();
        }
        if (current != null && (current.size() >= config.fileBytes()
                || clock.getAsLong() - currentOpenedMillis >= config.fileInterval().toMillis())) {
            closeCurrent();
            enforceLimits();
        }
    }

    private HistoryWriter writer() throws IOException {
        if (current == null) {
            long now = clock.getAsLong();
            for (int attempt = 0; ; attempt++) {
                Path f = config.dir().resolve("history-" + NAME.format(Instant.ofEpochMilli(now)) + "-"
                        + String.format("%04d", seq++ % 10_000) + HistoryFormat.SUFFIX);
                try {
                    current = HistoryWriter.create(f);
                    dirBytes.addAndGet(current.size());
                    break;
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 10) {
                        throw e;
                    }
                }
            }
            currentOpenedMillis = now;
        }
        return current;
    }

    private void abandonCurrent() {
        if (current == null) {
            return;
        }
        try {
            current.abandon();
        } catch (IOException e) {
            errorLog.warn("cleaning up history file " + current.file(), String.valueOf(e));
        }
        current = null;
    }

    /**
     * What a file costs on disk, as the cap counts it: its size rounded up to whole 4 KiB blocks, at least one
     * block even when empty, so that many small or empty files count too (issue 17 item 6).
     */
    static long diskBytes(long size) {
        return Math.max(BLOCK, (size + BLOCK - 1) / BLOCK * BLOCK);
    }

    private static final long BLOCK = 4096;

    private void closeCurrent() {
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException e) {
            errorLog.warn("closing history file " + current.file(), String.valueOf(e));
        }
        current = null;
    }

    /** Deletes files older than the retention, then the oldest until the total fits the cap. */
    void enforceLimits() {
        List<Path> files;
        try (Stream<Path> s = Files.list(config.dir())) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(HistoryFormat.SUFFIX)).sorted().toList());
        } catch (IOException e) {
            errorLog.warn("cannot list history directory " + config.dir(), String.valueOf(e));
            return;
        }
        Path open = current == null ? null : current.file();
        long cutoff = clock.getAsLong() - config.retention().toMillis();
        long total = 0; // as the cap counts: whole blocks, every file at least one
        long logical = 0;
        List<long[]> sizes = new ArrayList<>();
        for (Path p : files) {
            long size;
            long modified;
            try {
                size = Files.size(p);
                modified = Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                size = 0;
                modified = Long.MAX_VALUE;
            }
            sizes.add(new long[] {size, modified});
            total += diskBytes(size);
            logical += size;
        }
        for (int i = 0; i < files.size(); i++) {
            Path p = files.get(i);
            if (p.equals(open)) {
                continue;
            }
            boolean empty = sizes.get(i)[0] == 0; // e.g. left by a crash between create and header
            boolean old = sizes.get(i)[1] < cutoff;
            boolean over = total > config.maxBytes();
            if (!empty && !old && !over) {
                continue;
            }
            try {
                Files.deleteIfExists(p);
                total -= diskBytes(sizes.get(i)[0]);
                logical -= sizes.get(i)[0];
                (empty ? deletedEmpty : old ? deletedAge : deletedSize).increment();
            } catch (IOException e) {
                errorLog.warn("cannot delete history file " + p, String.valueOf(e));
            }
        }
        dirBytes.set(logical);
    }

    /** Stops taking samples, writes what is queued (bounded by {@code timeout}) and closes the file. */
    public void close(Duration timeout) {
        running = false;
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("history writer did not finish within {}; {} samples not recorded", timeout, queue.size());
            thread.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

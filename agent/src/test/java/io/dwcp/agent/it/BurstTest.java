package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.config.Device;
import io.dwcp.agent.inference.BackendSelector;
import io.dwcp.agent.inference.Backends;
import io.dwcp.agent.ingest.DatagramHandler;
import io.dwcp.agent.ingest.IngestMetrics;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ingest.RejectReason;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.protocol.BandwidthPrediction;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.PredictionError;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst of 10× the sustainable rate: records enter exactly where the UDP listener hands them off
 * ({@link DatagramHandler#accept}, which counts a full pipeline queue as {@code queue_full}), with the real
 * models on CPU behind the pipeline.
 *
 * <p>Sustainable rate S = the pipeline's measured throughput on this machine when saturated (calibrated
 * first, so the test means the same on a fast or a loaded machine). Then: 0.25×S with a probe link to
 * measure the baseline stream latency; 10×S for {@code dwcp.test.burst-seconds} (default 5; the issue's
 * 30 s run is {@code -Ddwcp.test.burst-seconds=30}); 0.25×S again until the probe latency is back.
 *
 * <p>Asserts: records offered = accepted + dropped{queue_full}; records in = window warm-up + predictions +
 * counted prediction failures (nothing lost uncounted); events delivered = predictions + prediction_error
 * events; live heap (after GC) grows by less than {@link #HEAP_BOUND_MB} over the burst; RSS stays under
 * {@link #RSS_BOUND_MB} when the JVM runs with the unit's {@code -Xmx512m -XX:+UseSerialGC} (agent/pom.xml runs
 * this class alone so, in the {@code fault-burst} surefire execution); the probe latency recovers within {@link #RECOVERY_S} s of the burst's end.
 */
@Timeout(300)
class BurstTest {
    static final int LINKS = 1000;
    /**
     * Queues are bounded: 65,536 records (~7 MB) + 16,384 inputs per model batcher; link samples feed two of
     * them, the forecaster (10-step windows, ~0.5 KB each: ~8 MB) and the degradation model (60-step windows,
     * ~1.6 KB each: ~27 MB). 192 MiB is about 4× that worst case (measured peak growth: 121 MB).
     */
    static final long HEAP_BOUND_MB = 192;
    /** The production unit's MemoryMax (systemd/dwcp-agent.service). */
    static final long RSS_BOUND_MB = 1024;
    static final double RECOVERY_S = 10;

    /** Records offered through the ingest hand-off, and offered straight to the pipeline while calibrating. */
    final AtomicLong offered = new AtomicLong();
    final AtomicLong saturated = new AtomicLong();
    final AtomicLong predictionEvents = new AtomicLong();
    final AtomicLong errorEvents = new AtomicLong();
    /** Probe latencies: {publish wall-clock ms, latency ms}. */
    final List<long[]> probe = Collections.synchronizedList(new ArrayList<>());
    String[] peers;

    @Test
    void tenTimesTheSustainableRateIsBoundedCountedAndRecovers() throws Exception {
        double burstSeconds = Double.parseDouble(System.getProperty("dwcp.test.burst-seconds", "5"));
        MeterRegistry reg = new SimpleMeterRegistry();
        Map<String, String> props = Map.of(
                "dwcp.socket.path", Files.createTempDirectory("dwcp-burst").resolve("a.sock").toString(),
                "dwcp.inference.device", "cpu");
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(props.get(k)));
        EventSink sink = e -> {
            if (e instanceof BandwidthPrediction p) {
                predictionEvents.incrementAndGet();
                if ("q".equals(p.peer_id())) {
                    long now = System.currentTimeMillis();
                    probe.add(new long[] {now, now - Instant.parse(p.sample_timestamp()).toEpochMilli()});
                }
            } else if (e instanceof PredictionError pe && "bandwidth".equals(pe.model())) {
                // Link samples also feed the degradation model; its own losses are counted under its name.
                errorEvents.incrementAndGet();
            }
        };
        peers = new String[LINKS];
        for (int i = 0; i < LINKS; i++) {
            peers[i] = "p" + i;
        }
        var backend = BackendSelector.select(Device.CPU, Backends.all(cfg, BuiltinModels.registry(), reg)).backend();
        try (Pipeline p = new Pipeline(cfg, BuiltinModels.registry(), backend.load(null).models(), sink, reg)) {
            p.start();
            DatagramHandler in = new DatagramHandler(null, p, new IngestMetrics(reg, Duration.ofHours(1)));

            // 1. Calibrate: saturate (retrying a full queue, nothing dropped) and measure the throughput.
            saturate(p, 1.0);
            double done0 = predictions(reg);
            long t0 = System.nanoTime();
            saturate(p, 3.0);
            double sustainable = (predictions(reg) - done0) / ((System.nanoTime() - t0) / 1e9);
            drain(p, reg);

            // 2. Baseline latency at a quarter of it.
            int mark = probe.size();
            drive(in, 0.25 * sustainable, 3.0);
            drain(p, reg);
            List<Long> base = latencies(probe.subList(mark, probe.size()));
            long baseP99 = pct(base, 0.99);

            // 3. The burst.
            System.gc();
            long heapBefore = liveHeapMb();
            long rssBefore = rssMb();
            long[] peak = {0, 0};
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak[0] = Math.max(peak[0], liveHeapMb());
                    peak[1] = Math.max(peak[1], rssMb());
                    LockSupport.parkNanos(100_000_000);
                }
            });
            sampler.start();
            double dropsBefore = queueFull(reg) + failed(reg);
            long offeredBefore = offered.get();
            long tb = System.nanoTime();
            drive(in, 10 * sustainable, burstSeconds);
            double achieved = (offered.get() - offeredBefore) / ((System.nanoTime() - tb) / 1e9);
            long burstEnd = System.currentTimeMillis();
            System.gc();
            long heapAfter = liveHeapMb();
            sampler.interrupt();
            sampler.join();

            // 4. Back to a quarter of the sustainable rate until latency recovers.
            long threshold = Math.max(3 * baseP99, baseP99 + 50);
            int afterMark = probe.size();
            drive(in, 0.25 * sustainable, RECOVERY_S + 5);
            drain(p, reg);
            List<long[]> after = new ArrayList<>(probe.subList(afterMark, probe.size()));
            long recoveredAt = -1;
            for (int i = after.size() - 1; i >= 0; i--) {
                if (after.get(i)[1] > threshold) {
                    break;
                }
                recoveredAt = after.get(i)[0];
            }
            double recoveryS = (recoveredAt - burstEnd) / 1000.0;

            System.out.printf("burst: sustainable %.0f records/s, burst asked %.0f, achieved %.0f records/s for %.1f s; "
                            + "dropped (queue_full + prediction failures) %.0f; live heap %d MB before, %d MB peak, %d MB after GC; RSS %d MB before, "
                            + "%d MB peak; probe latency baseline p99 %d ms, threshold %d ms, recovered %.2f s after the burst%n",
                    sustainable, 10 * sustainable, achieved, burstSeconds, queueFull(reg) + failed(reg) - dropsBefore, heapBefore, peak[0],
                    heapAfter, rssBefore, peak[1], baseP99, threshold, recoveryS);

            double offeredAll = offered.get();
            double accepted = accepted(reg);
            double drops = queueFull(reg);
            assertTrue(achieved > 5 * sustainable, "the driver reached a real overload: " + achieved);
            assertTrue(queueFull(reg) + failed(reg) - dropsBefore > 0, "the burst overflowed a queue");
            assertEquals(offeredAll, accepted + drops, 0.0, "offered = accepted + dropped{queue_full}");
            double predictions = predictions(reg);
            double failed = failed(reg);
            double warmup = (LINKS + 1) * (cfg.windows().bandwidthLength() - 1);
            assertEquals(accepted + saturated.get(), warmup + predictions + failed, 0.0,
                    "into the pipeline = warm-up + predictions + counted failures (failed " + failed + ")");
            assertEquals(predictions + failed, predictionEvents.get() + errorEvents.get(), 0.0, "one event per input");
            // After the explicit full GC: what the burst left behind.
            assertTrue(heapAfter - heapBefore < HEAP_BOUND_MB,
                    "live heap after the burst: " + heapBefore + " → " + heapAfter + " MB");
            if (Runtime.getRuntime().maxMemory() <= 600L << 20) {
                // Only meaningful with the unit's heap cap and collector (the fault-burst surefire execution runs
                // it so): SerialGC reports the old generation's usage only after full collections, so the sampled
                // peak stays close to live data; under an uncapped G1 it also holds garbage no mixed cycle took yet
                // (measured: 293 MB "peak", 79 MB after the full GC at the end, 30 s burst).
                assertTrue(peak[0] - heapBefore < HEAP_BOUND_MB,
                        "live heap bounded: " + heapBefore + " → peak " + peak[0] + " → " + heapAfter + " MB");
                assertTrue(peak[1] < RSS_BOUND_MB, "RSS " + peak[1] + " MB");
            }
            assertTrue(recoveredAt > 0 && recoveryS <= RECOVERY_S, "latency recovered in " + recoveryS + " s");
        }
    }

    private MetricRecord record(int link, long nowMs) {
        double[] v = {100 + (link % 17), 5 + (link % 5), 0, 0};
        return link < 0 ? new MetricRecord(Measurement.LINK, "b", "q", nowMs, v)
                : new MetricRecord(Measurement.LINK, "b", peers[link], nowMs, v);
    }

    /** Offers as fast as the queue takes, retrying when full: the throughput with no drop. */
    private void saturate(Pipeline p, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int link = 0;
        while (System.nanoTime() < end) {
            MetricRecord r = record(link, System.currentTimeMillis());
            while (!p.offer(r)) {
                Thread.onSpinWait();
            }
            saturated.incrementAndGet();
            link = (link + 1) % LINKS;
        }
    }

    /** Offers at {@code rate} records/s through the ingest hand-off (a full queue is a counted drop), probe every 20 ms. */
    private void drive(DatagramHandler in, double rate, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        long nextProbe = start;
        int link = 0;
        for (long now = start; now < end; now = System.nanoTime()) {
            long due = (long) ((now - start) / 1e9 * rate);
            long ms = System.currentTimeMillis();
            for (; sent < due; sent++) {
                in.accept(record(link, ms));
                offered.incrementAndGet();
                link = (link + 1) % LINKS;
            }
            if (now >= nextProbe) {
                in.accept(record(-1, ms));
                offered.incrementAndGet();
                nextProbe += 20_000_000;
            }
            if (rate < 200_000) {
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private static void drain(Pipeline p, MeterRegistry reg) throws InterruptedException {
        // Queue empty and a little time for the batchers' last completions.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> reg.get("dwcp.pipeline.queue.depth").gauge().value() <= 0);
        Thread.sleep(300); // not polling: the batchers' last completions land in this time
    }

    static double predictions(MeterRegistry reg) {
        return reg.get("dwcp.predictions").tag("model", "bandwidth").counter().count();
    }

    /** Inputs the model's batcher refused (queue full) or failed: each also became a prediction_error event. */
    static double failed(MeterRegistry reg) {
        return Search.in(reg).name("dwcp.predictions.failed").tag("model", "bandwidth").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    static double accepted(MeterRegistry reg) {
        return reg.get("dwcp.ingest.records").counter().count();
    }

    static double queueFull(MeterRegistry reg) {
        return reg.get("dwcp.ingest.rejected").tag("reason", RejectReason.QUEUE_FULL.label()).counter().count();
    }

    static List<Long> latencies(List<long[]> s) {
        synchronized (s) {
            return s.stream().map(x -> x[1]).sorted().toList();
        }
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    static long liveHeapMb() {
        long used = 0;
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP && b.getCollectionUsage() != null) {
                used += b.getCollectionUsage().getUsed();
            }
        }
        return used >> 20;
    }

    static long rssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return -1;
    }
}

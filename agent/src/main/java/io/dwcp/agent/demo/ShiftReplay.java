package io.dwcp.agent.demo;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.history.HistoryRecorder;
import io.dwcp.agent.inference.ModelReloader;
import io.dwcp.agent.inference.TensorFlowBackend;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.protocol.BandwidthPrediction;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.shadow.ShadowEvaluator;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.train.Progress;
import io.dwcp.models.train.Retrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The issue-8 acceptance scenario, end to end through the agent's own pipeline: synthetic links
 * ({@link SyntheticLinks}, 60 s steps) are replayed with one link changing behaviour half-way, everything is
 * recorded to history, {@code retrain} trains a candidate from that history, the shadow evaluation judges it
 * on the rest of the replay, and the live forecast MAPE of the link is measured before the shift, after the
 * shift with the old model, and after the decision. Used by {@code ShiftReplayTest} (short) and runnable for a
 * full simulated week:
 *
 * <pre>java -cp agent/target/dwcp-agent.jar io.dwcp.agent.demo.ShiftReplay [steps=10080] [links=3] [epochs=15] [shift=halve]</pre>
 *
 * Shifts: {@code halve} (the link's bandwidth baseline halves), {@code shaped} (the baseline halves and a
 * traffic shaper alternates the link between full and 60 % rate every step). Not thread-safe; one run at a time.
 */
public final class ShiftReplay {
    /** Measured figures: MAPE as ratios of the shifted link, per phase, with the model that served each. */
    public record Result(double mapeBeforeShift, double mapeAfterShiftOldModel, double mapeAfterDecision,
                         String decision, ShadowEvaluator.Decision shadow, Retrainer.Result retrain, Map<String, Object> metrics) {}

    private ShiftReplay() {}

    public static double shifted(LinkSeries s, int t, int shiftAt, String shift) {
        double bw = s.rows()[t][0];
        if (t < shiftAt) {
            return bw;
        }
        return switch (shift) {
            case "halve" -> bw * 0.5;
            case "shaped" -> bw * 0.5 * (t % 2 == 0 ? 1.0 : 0.6);
            default -> throw new IllegalArgumentException("shift must be halve or shaped, got " + shift);
        };
    }

    public static Result run(Path work, int steps, int links, int epochs, String shift, Duration period, int minSamples)
            throws Exception {
        Path models = work.resolve("models");
        Path history = work.resolve("history");
        Files.createDirectories(models);
        Map<String, String> m = new HashMap<>(Map.of(
                "dwcp.inference.models-dir", models.toString(),
                "dwcp.inference.watch-models", "false",
                "dwcp.history.enabled", "true",
                "dwcp.history.dir", history.toString(),
                "dwcp.history.flush-interval", "100ms",
                "dwcp.shadow.period", period.toMillis() + "ms",
                "dwcp.shadow.min-samples", Integer.toString(minSamples),
                "dwcp.shadow.poll", "200ms"));
        m.put("dwcp.pipeline.queue-capacity", "4096");
        m.put("dwcp.windows.idle-eviction", "1h");
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(m.get(k)));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ModelRegistry registry = BuiltinModels.registry();
        TensorFlowBackend backend = new TensorFlowBackend(false, cfg, registry, reg);
        Map<String, Double> forecasts = new ConcurrentHashMap<>(); // link@sampleTs -> forecast of the next sample
        Map<String, String> servedBy = new ConcurrentHashMap<>();
        EventSink sink = e -> {
            if (e instanceof BandwidthPrediction p) {
                String k = p.node_id() + "->" + p.peer_id() + "@" + Instant.parse(p.sample_timestamp()).toEpochMilli();
                forecasts.put(k, p.predicted_bandwidth_mbps());
                servedBy.put(k, p.model_version());
            }
        };
        List<LinkSeries> series = SyntheticLinks.generate(links, steps, 8);
        // The recorded period is the first 5/6 (a week of a 7-day replay... or any length): the shift is in its
        // middle, retrain runs at its end, and the last 1/6 is the live period the candidate is shadowed in.
        int retrainAt = steps * 5 / 6;
        int shiftAt = retrainAt / 2;
        long[] base = new long[links];
        for (int l = 0; l < links; l++) {
            double[] r0 = series.get(l).rows()[0];
            // 2026-11-23 is a Monday: align timestamps with the generator's own hour and weekday.
            base[l] = 1_795_392_000_000L + (long) (r0[5] * 86_400_000L) + (long) (r0[4] * 3_600_000L);
        }
        try (Pipeline pipeline = new Pipeline(cfg, registry, backend.load(models).models(), sink, reg);
             HistoryRecorder rec = new HistoryRecorder(cfg.history(), registry, reg).start();
             ModelReloader reloader = new ModelReloader(backend, models, pipeline, 1000, reg)) {
            pipeline.tap((r, in) -> rec.record(r));
            pipeline.start();
            replay(pipeline, series, base, 0, retrainAt, shiftAt, shift, 0);
            drain(reg);
            Thread.sleep(300); // one flush interval and more: the history holds everything replayed so far
            Retrainer.Result rt = Retrainer.run(new Retrainer.Options(history, models, 0.2, 0, 200, epochs, 42, 1, false),
                    Progress.none());
            ShadowEvaluator.Decision decision = null;
            try (ShadowEvaluator shadow = new ShadowEvaluator(cfg.shadow(), models, d -> backend.loadCpu(BuiltinModels.BANDWIDTH, d),
                    reloader::reloadNow, reg).start()) {
                pipeline.tap(Pipeline.Tap.both((r, in) -> rec.record(r), shadow));
                long deadline = System.currentTimeMillis() + 10_000;
                while (rt.marked() && !shadow.shadowing() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                // Live phase, first half: paced over about one shadow period, so the candidate is judged on it.
                int mid = retrainAt + (steps - retrainAt) / 2;
                long perRecordNanos = period.toNanos() * 6 / 5 / Math.max(1, (long) (mid - retrainAt) * links);
                replay(pipeline, series, base, retrainAt, mid, shiftAt, shift, perRecordNanos);
                deadline = System.currentTimeMillis() + 4 * period.toMillis() + 10_000;
                while (rt.marked() && shadow.lastDecision().isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                if (shadow.lastDecision().map(d -> d.decision().equals("promoted")).orElse(false)) {
                    String v = rt.version().getFileName().toString();
                    deadline = System.currentTimeMillis() + 60_000;
                    while (!pipeline.models().get(BuiltinModels.BANDWIDTH).version().equals(v) && System.currentTimeMillis() < deadline) {
                        Thread.sleep(20);
                    }
                }
                // Second half, at full speed, on whatever serves now.
                replay(pipeline, series, base, mid, steps, shiftAt, shift, 0);
                drain(reg);
                decision = shadow.lastDecision().orElse(null);
            }
            Thread.sleep(200);
            // Live MAPE of the shifted link per phase, from the forecasts the pipeline streamed.
            LinkSeries s0 = series.get(0);
            String key = "n0->p0";
            String oldVersion = null;
            double[] sum = new double[3];
            int[] n = new int[3];
            for (int t = 10; t < steps; t++) {
                String k = key + "@" + (base[0] + (t - 1) * 60_000L);
                Double f = forecasts.get(k);
                if (f == null) {
                    continue;
                }
                double actual = shifted(s0, t, shiftAt, shift);
                String v = servedBy.get(k);
                if (oldVersion == null) {
                    oldVersion = v;
                }
                int phase = t < shiftAt ? 0 : v.equals(oldVersion) ? 1 : 2;
                // Phase 1 starts one window after the shift so the old model is judged on the new regime.
                if (phase == 1 && t < shiftAt + 10) {
                    continue;
                }
                sum[phase] += Math.abs(f - actual) / actual;
                n[phase]++;
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            reg.getMeters().stream().filter(x -> x.getId().getName().startsWith("dwcp.shadow")
                            || x.getId().getName().startsWith("dwcp.history"))
                    .forEach(x -> x.measure().forEach(ms -> metrics.put(x.getId().getName() + x.getId().getTags()
                            + "." + ms.getStatistic().name().toLowerCase(), ms.getValue())));
            metrics.put("forecasts_before_shift", n[0]);
            metrics.put("forecasts_after_shift_old_model", n[1]);
            metrics.put("forecasts_after_decision", n[2]);
            return new Result(sum[0] / n[0], sum[1] / Math.max(1, n[1]), n[2] == 0 ? Double.NaN : sum[2] / n[2],
                    decision == null ? "none" : decision.decision(), decision, rt, metrics);
        }
    }

    private static void replay(Pipeline p, List<LinkSeries> series, long[] base, int from, int to, int shiftAt,
                               String shift, long perRecordNanos) {
        long next = System.nanoTime();
        for (int t = from; t < to; t++) {
            for (int l = 0; l < series.size(); l++) {
                double[] r = series.get(l).rows()[t];
                double bw = l == 0 ? shifted(series.get(l), t, shiftAt, shift) : r[0];
                MetricRecord rec = new MetricRecord(Measurement.LINK, "n" + l, "p" + l, base[l] + t * 60_000L,
                        new double[] {bw, r[1], r[2], r[3]});
                while (!p.offer(rec)) {
                    LockSupport.parkNanos(100_000);
                }
                if (perRecordNanos > 0) {
                    next += perRecordNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        }
    }

    private static void drain(SimpleMeterRegistry reg) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (reg.get("dwcp.pipeline.queue.depth").gauge().value() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100); // the batchers' last batch
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 12_096;
        int links = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String shift = args.length > 3 ? args[3] : "shaped";
        Path work = Files.createTempDirectory("dwcp-shift-replay-");
        long t0 = System.nanoTime();
        Result r = run(work, steps, links, epochs, shift, Duration.ofSeconds(10), 1000);
        System.out.printf("replayed %d steps x %d links (60 s steps = %.1f days), shift '%s' on link n0->p0 at step %d%n",
                steps, links, steps / 1440.0, shift, steps * 5 / 12);
        System.out.printf("retrain: %s; holdout MAPE candidate %.2f %%, current %.2f %%, last value %.2f %% (%d windows, %.1f s)%n",
                r.retrain().marked() ? "candidate marked" : "not marked", r.retrain().candidateMape(), r.retrain().currentMape(),
                r.retrain().lastValueMape(), r.retrain().testWindows(), r.retrain().seconds());
        System.out.println("shadow decision: " + r.shadow());
        System.out.printf("live MAPE of n0->p0: before shift %.2f %%, after shift (old model) %.2f %%, after decision %.2f %%%n",
                100 * r.mapeBeforeShift(), 100 * r.mapeAfterShiftOldModel(), 100 * r.mapeAfterDecision());
        r.metrics().forEach((k, v) -> System.out.println("  " + k + " = " + v));
        System.out.printf("work dir %s, %.1f s%n", work, (System.nanoTime() - t0) / 1e9);
    }
}

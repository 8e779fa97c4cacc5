package io.dwcp.agent.shadow;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.serving.ModelVersions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promotion logic on a replayed series with stand-in models (the real forecaster is exercised by
 * ShadowPromotionIT): the active model predicts the last value, a "worse" candidate 20 % above it, a
 * "better" one the series' true next value (the series alternates, so the last value is always wrong).
 */
@Timeout(60)
class ShadowEvaluatorTest {
    @TempDir
    Path models;

    /** The replayed link: alternates 100 / 50 Mbit/s. */
    static double actual(int i) {
        return i % 2 == 0 ? 100 : 50;
    }

    record Fake(String version, java.util.function.Function<float[][], Double> f) implements Predictor<float[][], BandwidthForecast> {
        @Override public String name() { return "fake"; }
        @Override public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            List<BandwidthForecast> out = new ArrayList<>();
            for (float[][] w : in) out.add(new BandwidthForecast(f.apply(w), 0, 0, 0, 1));
            return out;
        }
    }

    static final java.util.function.Function<float[][], Double> LAST = w -> (double) w[w.length - 1][0];
    static final java.util.function.Function<float[][], Double> WORSE = w -> 1.2 * w[w.length - 1][0];
    // Knows the pattern: the next value is the one before the last.
    static final java.util.function.Function<float[][], Double> BETTER = w -> (double) w[w.length - 2][0];

    private Path version(String v) throws Exception {
        Path d = models.resolve("bandwidth").resolve(v);
        Files.createDirectories(d);
        Files.writeString(d.resolve(ModelMetadata.FILE), "{}");
        return d;
    }

    private ShadowEvaluator.Decision run(java.util.function.Function<float[][], Double> cand, AtomicInteger reloads,
                                         SimpleMeterRegistry reg) throws Exception {
        version("1");
        ModelVersions v = new ModelVersions(models, "bandwidth");
        v.ensureCurrent();
        v.markCandidate(version("2"));
        AgentConfig.Shadow cfg = AgentConfig.from(k -> Optional.ofNullable(Map.of("dwcp.inference.models-dir", models.toString(),
                "dwcp.shadow.period", "1s", "dwcp.shadow.min-samples", "200", "dwcp.shadow.margin", "0.1",
                "dwcp.shadow.poll", "100ms").get(k))).shadow();
        ShadowEvaluator.Loader loader = dir -> dir.orElseThrow().getFileName().toString().equals("2")
                ? new Fake("2", cand) : new Fake("1", LAST);
        try (ShadowEvaluator s = new ShadowEvaluator(cfg, models, loader, reloads::incrementAndGet, reg).start()) {
            long deadline = System.currentTimeMillis() + 30_000;
            await().atMost(Duration.ofSeconds(30)).until(s::shadowing);
            float[][] window = new float[10][6];
            int i = 0;
            while (s.lastDecision().isEmpty() && System.currentTimeMillis() < deadline) {
                double a = actual(i);
                System.arraycopy(window, 1, window, 0, 9);
                window[9] = new float[] {(float) a, 5, 0, 0, 0, 0};
                float[][] full = i >= 9 ? copy(window) : null;
                s.accept(new MetricRecord(Measurement.LINK, "n1", "n2", i * 1000L, new double[] {a, 5, 0, 0}),
                        new io.dwcp.agent.pipeline.Pipeline.StreamInputs() {
                            @Override
                            @SuppressWarnings("unchecked")
                            public <I> I get(io.dwcp.agent.registry.ModelSpec<I, ?> model) {
                                return model == BuiltinModels.BANDWIDTH ? (I) full : null;
                            }
                        });
                i++;
                if (i % 100 == 0) {
                    Thread.sleep(5);
                }
            }
            return s.lastDecision().orElseThrow();
        }
    }

    static float[][] copy(float[][] w) {
        float[][] c = new float[w.length][];
        for (int i = 0; i < w.length; i++) c[i] = w[i].clone();
        return c;
    }

    @Test
    void aWorseCandidateIsNeverPromoted() throws Exception {
        AtomicInteger reloads = new AtomicInteger();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ShadowEvaluator.Decision d = run(WORSE, reloads, reg);
        assertEquals("discarded", d.decision(), d.toString());
        assertTrue(d.samples() >= 200, d.toString());
        assertTrue(d.candidateMape() > d.activeMape(), d.toString());
        ModelVersions v = new ModelVersions(models, "bandwidth");
        assertEquals("1", v.current().orElseThrow().getFileName().toString());
        assertTrue(v.candidate().isEmpty());
        assertEquals(0, reloads.get());
        assertEquals(1.0, reg.get("dwcp.shadow.decisions").tag("decision", "discarded").counter().count());
        assertTrue(Files.readString(models.resolve("bandwidth/2/shadow.json")).contains("\"discarded\""));
    }

    @Test
    void aBetterCandidateIsPromotedWithinThePeriod() throws Exception {
        AtomicInteger reloads = new AtomicInteger();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        long t0 = System.currentTimeMillis();
        ShadowEvaluator.Decision d = run(BETTER, reloads, reg);
        assertEquals("promoted", d.decision(), d.toString());
        assertTrue(System.currentTimeMillis() - t0 < 10_000);
        // active (last value) on an alternating series: |50-100|/100 and |100-50|/50 -> mean 0.75; candidate exact.
        assertEquals(0.75, d.activeMape(), 0.01);
        assertEquals(0.0, d.candidateMape(), 1e-9);
        ModelVersions v = new ModelVersions(models, "bandwidth");
        assertEquals("2", v.current().orElseThrow().getFileName().toString());
        assertEquals("1", v.previous().orElseThrow().getFileName().toString());
        assertEquals(1, reloads.get());
        assertEquals(0.75, reg.get("dwcp.shadow.last.decision.mape").tag("role", "active").gauge().value(), 0.01);
    }
}

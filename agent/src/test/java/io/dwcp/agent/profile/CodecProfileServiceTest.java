package io.dwcp.agent.profile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.CompressionConditions;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.serving.HostCodecProfile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CodecProfileServiceTest {
    static final CodecProfile BASE = Hosts.BASE;

    static AgentConfig.CodecProfile config(Path stateDir, String... kv) {
        Map<String, String> m = new HashMap<>();
        if (stateDir != null) {
            m.put("dwcp.state-dir", stateDir.toString());
        }
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return AgentConfig.from(k -> Optional.ofNullable(m.get(k))).codecProfile();
    }

    /** An outcome of a host {@code speed} times as fast as the base; entropy NaN = not sent. */
    static MetricRecord outcome(String node, String peer, Codec c, int level, double entropy, double speed) {
        double bytes = 8 << 20;
        double[] b = BASE.at(c, Double.isNaN(entropy) ? 6 : entropy);
        return new MetricRecord(Measurement.OUTCOME, node, peer, 0, new double[] {c.ordinal(), level, bytes,
                Math.rint(bytes * b[0]), bytes / (b[1] * speed * 0.5), bytes / (b[2] * speed), 0.1, 0.5,
                Double.isNaN(entropy) ? Measurement.UNKNOWN : entropy});
    }

    static double count(SimpleMeterRegistry reg, String result) {
        return reg.get("dwcp.codec.profile.outcomes").tag("result", result).counter().count();
    }

    @Test
    void learnsUsesTheLinksEntropyHintAndCountsEveryOutcome() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(null), 100, new HostCodecProfile(BASE), reg)) {
            assertFalse(s.current().learnt(), "nothing learnt: the model's own profile stands");
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, 6, 0.5));
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, Double.NaN, 0.5)); // no hint for a->b yet
            s.onTransfer("a->b", 6.0);
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, Double.NaN, 0.5));
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 9, 6, 0.5)); // zstd at another level
            s.onOutcome(outcome("a", "b", Codec.LZ4, 1, 6, 0.5)); // lz4's level is its acceleration: any
            s.onOutcome(outcome("a", "b", Codec.NONE, 0, 6, 1));
            assertEquals(3, count(reg, "learnt"));
            assertEquals(1, count(reg, "no_entropy"));
            assertEquals(1, count(reg, "other_level"));
            assertEquals(1, count(reg, "none"));
            assertTrue(s.current().learnt());
            assertEquals(3, reg.get("dwcp.codec.profile.observations").gauge().value());
            assertTrue(reg.get("dwcp.codec.profile.speed.factor").tag("codec", "zstd").tag("direction", "compress")
                    .gauge().value() < 1);
        }
    }

    @Test
    void offCountsButLearnsNothing() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(null, "dwcp.codec-profile.learn", "false"), 100,
                new HostCodecProfile(BASE), reg)) {
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, 6, 0.5));
            assertEquals(1, count(reg, "off"));
            assertNull(s.current());
            assertFalse(s.profile().learnt());
        }
    }

    @Test
    void metricsCardinalityIsFixed() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(null), 100, new HostCodecProfile(BASE), reg)) {
            for (int i = 0; i < 5000; i++) {
                s.onTransfer("n" + i + "->p" + i, 5);
                s.onOutcome(outcome("n" + i, "p" + i, Codec.values()[1 + i % 4], i % 4 == 0 ? 0 : Codecs4.level(i),
                        Double.NaN, 0.5));
            }
            assertEquals(4 * HostCodecProfile.BUCKETS, reg.find("dwcp.codec.profile.ratio").gauges().size());
            assertEquals(8, reg.find("dwcp.codec.profile.speed.factor").gauges().size());
            assertEquals(CodecProfileService.RESULTS.length, reg.find("dwcp.codec.profile.outcomes").counters().size());
        }
    }

    /** Levels of LZ4, ZSTD, ZSTD_MAX, BROTLI as the agent serves them. */
    static final class Codecs4 {
        static int level(int i) {
            return io.dwcp.models.compression.Codecs.level(Codec.values()[1 + i % 4]);
        }
    }

    @Test
    void survivesARestart(@TempDir Path dir) {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        CodecProfile learnt;
        try (CodecProfileService s = new CodecProfileService(config(dir), 100, new HostCodecProfile(BASE), reg)) {
            assertFalse(s.restored());
            for (int i = 0; i < 25; i++) {
                s.onOutcome(outcome("a", "b", Codec.BROTLI, 6, 7, 0.25));
            }
            learnt = s.profile().snapshot();
        } // close() writes it
        assertTrue(Files.exists(dir.resolve("codec-profile.json")));
        assertEquals(1, reg.get("dwcp.codec.profile.saves").tag("result", "ok").counter().count());
        SimpleMeterRegistry reg2 = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(dir), 100, new HostCodecProfile(BASE), reg2)) {
            assertTrue(s.restored());
            assertEquals(25, s.profile().observations());
            for (double[] x : CompressionConditions.latinHypercube(500, 9)) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(learnt.transferSeconds(x), s.profile().snapshot().transferSeconds(x), 0);
            }
            s.ready(); // a restored profile is not re-benchmarked
            assertEquals(0, reg2.get("dwcp.codec.profile.bench").tag("clock", "wall").gauge().value());
        }
    }

    @Test
    void savesInTheBackgroundAtMostEverySaveInterval(@TempDir Path dir) {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(dir, "dwcp.codec-profile.save-interval", "1s"), 100,
                new HostCodecProfile(BASE), reg)) {
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, 6, 0.5));
            s.tick(); // less than the interval since start: nothing yet
            assertFalse(Files.exists(dir.resolve("codec-profile.json")));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                s.tick();
                return Files.exists(dir.resolve("codec-profile.json"));
            });
        }
    }

    @Test
    void aDamagedFileIsNotFatal(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("codec-profile.json"), "not json");
        try (CodecProfileService s = new CodecProfileService(config(dir), 100, new HostCodecProfile(BASE), new SimpleMeterRegistry())) {
            assertFalse(s.restored());
            assertFalse(s.profile().learnt());
            s.onOutcome(outcome("a", "b", Codec.ZSTD, 3, 6, 0.5));
        }
        assertTrue(Files.readString(dir.resolve("codec-profile.json")).contains("\"version\""), "overwritten");
    }

    /** The first-start benchmark seeds the profile and records its cost; its speed is for benchmarks, not asserted. */
    @Test
    void firstStartBenchmarkSeedsAfterReady(@TempDir Path dir) {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (CodecProfileService s = new CodecProfileService(config(dir), 100, new HostCodecProfile(BASE), reg)) {
            assertFalse(s.profile().learnt(), "nothing before ready");
            s.ready();
            await().atMost(Duration.ofSeconds(30)).until(() -> s.profile().learnt());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("codec-profile.json")));
            assertTrue(s.profile().seeded());
            assertTrue(reg.get("dwcp.codec.profile.bench").tag("clock", "wall").gauge().value() > 0);
            // Not a speed check: a unit slip (µs for ms, bytes per ns for MB/s) shows as a factor of 1000, a real host
            // differs from the build machine by a few times at most.
            double lz4 = s.profile().speedFactor(Codec.LZ4, true);
            assertTrue(lz4 > 0.05 && lz4 < 20, "lz4 seeded at x" + lz4);
        }
    }

    @Test
    void aTinyBudgetSkipsEveryCodec() {
        HostCodecProfile p = new HostCodecProfile(BASE);
        io.dwcp.models.serving.HostCodecBench.Result r = io.dwcp.models.serving.HostCodecBench.run(p, 1);
        assertTrue(r.measured().isEmpty(), r.toString());
        assertEquals(4, r.skipped().size());
        assertFalse(p.learnt());
    }
}

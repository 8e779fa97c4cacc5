package io.dwcp.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    static AgentConfig of(Map<String, String> m) {
        return AgentConfig.from(k -> Optional.ofNullable(m.get(k)));
    }

    static String error(Map<String, String> m) {
        return assertThrows(ConfigException.class, () -> of(m)).getMessage();
    }

    @Test
    void defaults() {
        AgentConfig c = of(Map.of());
        assertEquals("127.0.0.1", c.ingest().host());
        assertEquals(8094, c.ingest().port());
        assertEquals(Path.of("/run/dwcp-agent/agent.sock"), c.socket().path());
        assertEquals(10, c.windows().bandwidthLength());
        assertEquals(30, c.windows().latencyLength());
        assertEquals(Duration.ofMinutes(5), c.ingest().maxFutureSkew());
        assertEquals(256, c.ingest().maxIdBytes());
        assertEquals(1024, c.ingest().maxStringBytes());
        assertEquals(1 << 20, c.ingest().maxInflatedBytes());
        assertEquals(32L << 20, c.pipeline().queueMaxBytes());
        assertEquals(16L << 20, c.windows().maxKeyBytes());
        assertEquals(Duration.ofSeconds(1), c.socket().checkInterval());
        assertEquals(Duration.ofSeconds(10), c.socket().refusedLogInterval());
        assertEquals(100, c.metrics().maxLinkSeries());
        assertEquals(128, c.metrics().maxLabelChars());
        assertTrue(c.describe().containsKey("dwcp.metrics"));
    }

    @Test
    void ingestByteLimits() {
        AgentConfig c = of(Map.of("dwcp.ingest.max-id-bytes", "64", "dwcp.ingest.max-string-bytes", "4096",
                "dwcp.ingest.max-inflated-bytes", "4MiB"));
        assertEquals(64, c.ingest().maxIdBytes());
        assertEquals(4096, c.ingest().maxStringBytes());
        assertEquals(4 << 20, c.ingest().maxInflatedBytes());
        assertEquals("invalid configuration dwcp.ingest.max-id-bytes=8: must be between 16 and 16384",
                error(Map.of("dwcp.ingest.max-id-bytes", "8")));
        assertEquals("invalid configuration dwcp.ingest.max-string-bytes=100000: must be between 16 and 65507",
                error(Map.of("dwcp.ingest.max-string-bytes", "100000")));
        assertEquals("invalid configuration dwcp.ingest.max-inflated-bytes=1GiB: must be between 65507 and 67108864 bytes",
                error(Map.of("dwcp.ingest.max-inflated-bytes", "1GiB")));
        assertEquals("invalid configuration dwcp.ingest.max-inflated-bytes=lots: not a byte size (e.g. 1048576, 512MiB, 2GiB)",
                error(Map.of("dwcp.ingest.max-inflated-bytes", "lots")));
        assertTrue(c.describe().get("dwcp.ingest").toString().contains("maxIdBytes=64"), "in the effective configuration");
    }

    @Test
    void parsesValues() {
        AgentConfig c = of(Map.of("dwcp.ingest.port", "9000", "dwcp.windows.idle-eviction", "90s",
                "dwcp.demo.enabled", "yes", "dwcp.socket.path", "/tmp/x.sock"));
        assertEquals(9000, c.ingest().port());
        assertEquals(Duration.ofSeconds(90), c.windows().idleEviction());
        assertEquals(true, c.demo().enabled());
    }

    @Test
    void messagesNameKeyAndValue() {
        assertEquals("invalid configuration dwcp.ingest.port=70000: must be between 0 and 65535",
                error(Map.of("dwcp.ingest.port", "70000")));
        assertEquals("invalid configuration dwcp.ingest.port=eighty: not an integer",
                error(Map.of("dwcp.ingest.port", "eighty")));
        assertEquals("invalid configuration dwcp.windows.idle-eviction=soon: not a duration (e.g. 500ms, 10s, 5m, 1h)",
                error(Map.of("dwcp.windows.idle-eviction", "soon")));
        assertEquals("invalid configuration dwcp.demo.enabled=maybe: not a boolean (true/false)",
                error(Map.of("dwcp.demo.enabled", "maybe")));
        assertEquals("invalid configuration dwcp.socket.path=relative.sock: must be an absolute path",
                error(Map.of("dwcp.socket.path", "relative.sock")));
        assertEquals("invalid configuration dwcp.socket.write-high-watermark=2048: must be greater than "
                        + "dwcp.socket.write-low-watermark (4096)",
                error(Map.of("dwcp.socket.write-high-watermark", "2048", "dwcp.socket.write-low-watermark", "4096")));
        assertEquals("invalid configuration dwcp.socket.check-interval=10s: must be between PT0.1S and PT5S",
                error(Map.of("dwcp.socket.check-interval", "10s")));
        assertEquals("invalid configuration dwcp.socket.refused-log-interval=0s: must be between PT0.1S and PT1H",
                error(Map.of("dwcp.socket.refused-log-interval", "0s")));
        assertEquals("invalid configuration dwcp.metrics.max-link-series=-1: must be between 0 and 10000",
                error(Map.of("dwcp.metrics.max-link-series", "-1")));
        assertEquals("invalid configuration dwcp.pipeline.queue-max-bytes=512KiB: must be between 1048576 and 4294967296 bytes",
                error(Map.of("dwcp.pipeline.queue-max-bytes", "512KiB")));
        assertEquals("invalid configuration dwcp.windows.max-key-bytes=lots: not a byte size (e.g. 1048576, 512MiB, 2GiB)",
                error(Map.of("dwcp.windows.max-key-bytes", "lots")));
    }

    @Test
    void nonLoopbackNeedsExplicitOptIn() {
        assertEquals("invalid configuration dwcp.ingest.host=0.0.0.0: not a loopback address; set "
                        + "dwcp.ingest.allow-non-loopback=true to listen beyond this host",
                error(Map.of("dwcp.ingest.host", "0.0.0.0")));
        assertEquals("0.0.0.0", of(Map.of("dwcp.ingest.host", "0.0.0.0", "dwcp.ingest.allow-non-loopback", "true"))
                .ingest().host());
        // Management HTTP likewise; the ingest opt-in does not open it.
        assertEquals("invalid configuration micronaut.server.host=0.0.0.0: not a loopback address; set "
                        + "dwcp.management.allow-non-loopback=true to listen beyond this host",
                error(Map.of("micronaut.server.host", "0.0.0.0", "dwcp.ingest.allow-non-loopback", "true")));
        of(Map.of("micronaut.server.host", "0.0.0.0", "dwcp.management.allow-non-loopback", "true"));
        of(Map.of("micronaut.server.host", "::1"));
    }

    @Test
    void historyAndShadow() {
        AgentConfig c = of(Map.of("dwcp.history.enabled", "true", "dwcp.history.dir", "/var/lib/x/history",
                "dwcp.history.max-bytes", "2GiB", "dwcp.history.file-bytes", "8MiB", "dwcp.history.retention", "7d",
                "dwcp.inference.models-dir", "/var/lib/x/models", "dwcp.shadow.margin", "0.1"));
        assertEquals(2L << 30, c.history().maxBytes());
        assertEquals(8L << 20, c.history().fileBytes());
        assertEquals(Duration.ofDays(7), c.history().retention());
        assertEquals(0.1, c.shadow().margin());
        assertEquals(Duration.ofHours(6), c.shadow().period());
        assertEquals(false, of(Map.of()).history().enabled());
    }

    @Test
    void historyAndShadowErrorsNameTheKey() {
        assertEquals("invalid configuration dwcp.history.dir=(unset): required when dwcp.history.enabled=true "
                + "(e.g. /var/lib/dwcp-agent/history)", error(Map.of("dwcp.history.enabled", "true")));
        assertEquals("invalid configuration dwcp.history.max-bytes=lots: not a byte size (e.g. 1048576, 512MiB, 2GiB)",
                error(Map.of("dwcp.history.max-bytes", "lots")));
        assertEquals("invalid configuration dwcp.history.file-bytes=1073741824: must be at most half of "
                        + "dwcp.history.max-bytes (1073741824) so that rolling keeps history",
                error(Map.of("dwcp.history.enabled", "true", "dwcp.history.dir", "/h", "dwcp.history.file-bytes", "1GiB")));
        assertEquals("invalid configuration dwcp.shadow.margin=1.5: must be between 0.0 and 0.99",
                error(Map.of("dwcp.shadow.margin", "1.5")));
        assertEquals("invalid configuration dwcp.shadow.enabled=true: needs dwcp.inference.models-dir (candidates are "
                + "looked for there)", error(Map.of("dwcp.shadow.enabled", "true")));
        assertEquals("invalid configuration dwcp.history.retention=10s: must be between PT1M and PT87600H",
                error(Map.of("dwcp.history.retention", "10s")));
    }

    @Test
    void codecProfile() {
        AgentConfig.CodecProfile d = of(Map.of()).codecProfile();
        assertTrue(d.learn());
        assertTrue(d.benchOnStart());
        assertEquals(null, d.stateDir());
        assertEquals(null, d.file());
        assertEquals(Duration.ofMillis(300), d.benchBudget());
        assertEquals(0.05, d.maxRegret());
        assertEquals(Duration.ofSeconds(30), d.saveInterval());
        AgentConfig.CodecProfile c = of(Map.of("dwcp.state-dir", "/var/lib/dwcp-agent", "dwcp.codec-profile.learn", "false",
                "dwcp.codec-profile.max-regret", "0.1")).codecProfile();
        assertEquals(Path.of("/var/lib/dwcp-agent/codec-profile.json"), c.file());
        assertEquals(false, c.benchOnStart(), "nothing to seed when nothing is learnt");
        assertTrue(of(Map.of()).describe().containsKey("dwcp.codec-profile"));
        assertEquals("invalid configuration dwcp.state-dir=state: must be an absolute path",
                error(Map.of("dwcp.state-dir", "state")));
        assertEquals("invalid configuration dwcp.codec-profile.bench-on-start=true: needs dwcp.codec-profile.learn=true "
                + "(the benchmark seeds the learnt profile)",
                error(Map.of("dwcp.codec-profile.learn", "false", "dwcp.codec-profile.bench-on-start", "true")));
        assertEquals("invalid configuration dwcp.codec-profile.bench-budget=5ms: must be between PT0.02S and PT10S",
                error(Map.of("dwcp.codec-profile.bench-budget", "5ms")));
        assertEquals("invalid configuration dwcp.codec-profile.max-regret=-1: must be between 0.0 and 10.0",
                error(Map.of("dwcp.codec-profile.max-regret", "-1")));
    }

    @Test
    void schedulingDefaultsAndBounds() {
        AgentConfig c = of(Map.of());
        assertEquals(100, c.scheduling().latencySliceMicros());
        assertEquals(0, c.scheduling().jitNice());
        assertEquals(0, of(Map.of("dwcp.scheduling.latency-slice-micros", "0")).scheduling().latencySliceMicros());
        assertEquals(2000, of(Map.of("dwcp.scheduling.latency-slice-micros", "2000")).scheduling().latencySliceMicros());
        // Below the kernel's 100 µs floor the value would be clamped, so it is refused rather than silently changed.
        assertTrue(error(Map.of("dwcp.scheduling.latency-slice-micros", "50")).contains("dwcp.scheduling.latency-slice-micros"));
        error(Map.of("dwcp.scheduling.latency-slice-micros", "100001"));
        error(Map.of("dwcp.scheduling.jit-nice", "20"));
        error(Map.of("dwcp.scheduling.jit-nice", "-1"));
        assertEquals(19, of(Map.of("dwcp.scheduling.jit-nice", "19")).scheduling().jitNice());
    }
}

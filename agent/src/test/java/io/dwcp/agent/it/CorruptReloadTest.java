package io.dwcp.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.AgentService;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.serving.ModelArtifact;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The serving model's file is corrupted on disk while requests flow; the watcher's reload rejects it. The
 * old model keeps answering and no request fails: requests sent = replies ok + errors, with errors = 0.
 */
@Timeout(120)
class CorruptReloadTest {
    @Test
    void forestCorruptedInPlaceDuringHotReloadOldModelServesNoRequestFails() throws Exception {
        Path models = Files.createTempDirectory("dwcp-models");
        Path v1 = models.resolve("reliability").resolve("1");
        copyTree(ModelArtifact.loadDefault("reliability").dir(), v1);
        Files.createSymbolicLink(models.resolve("reliability").resolve("current"), Path.of("1"));
        Path sock = Files.createTempDirectory("dwcp-reload").resolve("agent.sock");
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "micronaut.server.port", -1,
                "dwcp.ingest.port", 0,
                "dwcp.socket.path", sock.toString(),
                "dwcp.inference.models-dir", models.toString(),
                "dwcp.inference.watch-models", true));
             LineClient c = new LineClient(sock)) {
            AgentService agent = ctx.getBean(AgentService.class);
            MeterRegistry reg = ctx.getBean(MeterRegistry.class);
            String serving = agent.pipeline().models().get(BuiltinModels.RELIABILITY).name() + "/" + agent.pipeline().models().get(BuiltinModels.RELIABILITY).version();

            Map<String, JsonNode> replies = new ConcurrentHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Semaphore inFlight = new Semaphore(64);
            Thread collector = new Thread(() -> {
                try {
                    while (!stop.get() || replies.size() < sent.get()) {
                        JsonNode n = c.lines.poll(50, TimeUnit.MILLISECONDS);
                        if (n != null && n.has("id")) {
                            replies.put(n.get("id").asText(), n);
                            inFlight.release();
                        }
                    }
                } catch (InterruptedException ignored) {
                    // done
                }
            });
            collector.setDaemon(true);
            collector.start();
            c.send("{\"id\":\"quiet\",\"method\":\"unsubscribe\"}");
            sent.incrementAndGet();
            Thread traffic = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        inFlight.acquire();
                        int i = sent.getAndIncrement();
                        c.send("{\"id\":\"" + i + "\",\"method\":\"DetectAnomaly\",\"params\":{\"features\":[99,0,0,0,0,10,0.5,0.5,"
                                + (i % 3) + "]}}");
                        Thread.sleep(1);
                    }
                } catch (InterruptedException | IOException e) {
                    throw new RuntimeException(e);
                }
            });
            traffic.start();
            Thread.sleep(500);

            // Corrupt the serving version's forest in place: the watcher sees it and reloads.
            Path forest = v1.resolve("forest.bin");
            byte[] good = Files.readAllBytes(forest);
            Files.write(forest, java.util.Arrays.copyOf(good, good.length / 2));
            await().atMost(Duration.ofSeconds(30)).until(() -> rejected(reg) >= 1);
            Thread.sleep(1500); // requests keep flowing after the rejected reload
            stop.set(true);
            traffic.join();
            collector.join(20_000);

            assertEquals(1, rejected(reg), 0.0, "one reload, rejected");
            assertEquals(serving, agent.pipeline().models().get(BuiltinModels.RELIABILITY).name() + "/"
                    + agent.pipeline().models().get(BuiltinModels.RELIABILITY).version(), "old model keeps serving");
            long errors = replies.values().stream().filter(n -> !"reply".equals(n.path("type").asText())).count();
            long ok = replies.values().stream().filter(n -> "reply".equals(n.path("type").asText())).count();
            assertTrue(sent.get() > 100, "requests flowed: " + sent.get());
            assertEquals(sent.get(), ok + errors, "every request answered");
            assertEquals(0, errors, "no request failed");
            assertEquals(0, Search.in(reg).name("dwcp.predictions.failed").counters().stream()
                    .mapToDouble(x -> x.count()).sum(), 0.0);
        }
    }

    static double rejected(MeterRegistry reg) {
        return Search.in(reg).name("dwcp.model.reloads").tag("model", "reliability").tag("result", "rejected")
                .counters().stream().mapToDouble(x -> x.count()).sum();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}

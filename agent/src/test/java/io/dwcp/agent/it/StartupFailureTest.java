package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.AgentService;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.serving.ModelArtifact;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start-up refuses clearly — naming the port, path or key — instead of running half-bound. */
@Timeout(60)
class StartupFailureTest {
    /** What the process would print (Application.main uses the same function). */
    static String failure(Map<String, Object> props) {
        Throwable t = assertThrows(Throwable.class, () -> ApplicationContext.run(props).close());
        return io.dwcp.agent.Application.startupMessage(t);
    }

    @Test
    void udpPortInUse() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", taken.getLocalPort(),
                    "dwcp.socket.path", dir.resolve("a.sock").toString()));
            assertTrue(m.contains("cannot bind UDP ingest to 127.0.0.1:" + taken.getLocalPort() + " (dwcp.ingest.port)"), m);
        }
    }

    @Test
    void socketPathNotASocket() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        Path file = Files.writeString(dir.resolve("agent.sock"), "precious");
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0, "dwcp.socket.path", file.toString()));
        assertTrue(m.contains(file + " exists and is not a socket; refusing to replace it (dwcp.socket.path)"), m);
        assertTrue(Files.readString(file).equals("precious"), "file left alone");
    }

    @Test
    void socketDirectoryNotWritable() throws Exception {
        // /proc is not writable even for root, so this holds in CI whoever runs it.
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0,
                "dwcp.socket.path", "/proc/dwcp-agent/agent.sock"));
        assertTrue(m.contains("/proc/dwcp-agent") && m.contains("(dwcp.socket.path)"), m);
    }

    @Test
    void invalidSettingNamesKeyAndValue() {
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.inference.device", "tpu"));
        assertTrue(m.contains("invalid configuration dwcp.inference.device=tpu: must be one of auto, gpu, cpu"), m);
    }

    @Test
    void modelsDirectoryMustBeAbsolute() {
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.inference.models-dir", "models"));
        assertTrue(m.contains("invalid configuration dwcp.inference.models-dir=models: must be an absolute path"), m);
    }

    /**
     * The real entry point in its own JVM: the process says which port and exits 75, which systemd restarts
     * (a port still held by a stopping process frees up; issue 17 item 9 — it exited 2, never restarted).
     */
    @Test
    void managementPortInUseExitsNonZeroNamingThePort() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = agentProcess(dir, taken.getLocalPort()).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(75, p.exitValue(), out);
            String line = out.lines().filter(l -> l.startsWith("dwcp-agent: startup failed: ")).findFirst().orElse(out);
            assertTrue(line.contains("cannot start the management HTTP server on 127.0.0.1:" + taken.getLocalPort()
                    + " (micronaut.server.port): Address already in use"), line);
            assertTrue(!Files.exists(dir.resolve("a.sock")), "socket file removed on the failed start");
            // systemd must never hear READY=1 from a start that fails (it did, before the HTTP bind moved first).
            assertTrue(!out.contains("READY=1"), out);
        }
    }

    /** READY=1 (logged by SdNotify) comes only once /health answers: systemd may route to us at once. */
    @Test
    void readyIsSentOnlyOnceTheManagementPortAnswers() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process p = agentProcess(dir, port).start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) {
                seen.append(l).append('\n');
                if (l.contains("READY=1")) {
                    var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/health")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    return;
                }
            }
            throw new AssertionError("agent exited without READY=1:\n" + seen);
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** The real entry point in its own JVM, with NOTIFY_SOCKET set (to a path nobody listens on). */
    private static ProcessBuilder agentProcess(Path dir, int httpPort) {
        ProcessBuilder b = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.dwcp.agent.Application", "run",
                "--micronaut.server.host=127.0.0.1", "--micronaut.server.port=" + httpPort,
                "--dwcp.ingest.port=0", "--dwcp.inference.device=cpu", "--dwcp.socket.path=" + dir.resolve("a.sock"))
                .redirectErrorStream(true);
        b.environment().put("NOTIFY_SOCKET", dir.resolve("notify").toString());
        b.environment().remove("WATCHDOG_USEC");
        return b;
    }

    @Test
    void modelsDirectoryMissing() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        Path missing = dir.resolve("no-such-models");
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0,
                "dwcp.socket.path", dir.resolve("a.sock").toString(), "dwcp.inference.models-dir", missing.toString()));
        assertEquals("models directory " + missing + " does not exist (dwcp.inference.models-dir)", m);
    }

    @Test
    void modelsDirectoryIsAFile() throws Exception {
        Path dir = Files.createTempDirectory("dwcp-start");
        Path file = Files.writeString(dir.resolve("models"), "x");
        String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0,
                "dwcp.socket.path", dir.resolve("a.sock").toString(), "dwcp.inference.models-dir", file.toString()));
        assertEquals("models directory " + file + " is not a directory (dwcp.inference.models-dir)", m);
    }

    // The next three need a file system of their own (a small tmpfs): real EROFS / ENOSPC from the kernel,
    // which permissions cannot stand in for when the tests run as root. Skipped where mount is not allowed.

    @Test
    void socketDirectoryOnReadOnlyFileSystem() throws Exception {
        Path mnt = mount("ro,size=1m");
        try {
            Path sock = mnt.resolve("agent.sock");
            String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0, "dwcp.socket.path", sock.toString()));
            assertEquals("socket directory " + mnt + " is not writable (dwcp.socket.path)", m);
        } finally {
            umount(mnt);
        }
    }

    @Test
    void socketFileSystemFull() throws Exception {
        // A socket needs an inode, not blocks: fill the inode table, which is what "disk full" means to bind().
        Path mnt = mount("size=1m,nr_inodes=16");
        try {
            for (int i = 0; ; i++) {
                try {
                    Files.createFile(mnt.resolve("f" + i));
                } catch (IOException full) {
                    assertTrue(String.valueOf(full.getMessage()).contains("No space left") || full instanceof java.nio.file.FileSystemException,
                            String.valueOf(full));
                    break;
                }
            }
            Path sock = mnt.resolve("agent.sock");
            String m = failure(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0, "dwcp.socket.path", sock.toString()));
            assertTrue(m.startsWith("cannot listen on Unix socket " + sock + " (dwcp.socket.path): "), m);
            assertTrue(m.contains("No space left on device"), m);
        } finally {
            umount(mnt);
        }
    }

    @Test
    void readOnlyModelsDirectoryIsServedFrom() throws Exception {
        // The agent only reads its models directory: read-only (as under ProtectSystem=strict) must work.
        Path mnt = mount("size=4m");
        try {
            Path v1 = mnt.resolve("reliability").resolve("1");
            CorruptReloadTest.copyTree(ModelArtifact.loadDefault("reliability").dir(), v1);
            Tmpfs.run("mount", "-o", "remount,ro", mnt.toString());
            assertTrue(!Files.isWritable(mnt), "read-only now");
            Path dir = Files.createTempDirectory("dwcp-start");
            try (ApplicationContext ctx = ApplicationContext.run(Map.of("micronaut.server.port", -1, "dwcp.ingest.port", 0,
                    "dwcp.socket.path", dir.resolve("a.sock").toString(), "dwcp.inference.models-dir", mnt.toString()))) {
                AgentService agent = ctx.getBean(AgentService.class);
                assertTrue(agent.healthy());
                assertEquals("1.0.0", agent.pipeline().models().get(BuiltinModels.RELIABILITY).version());
            }
        } finally {
            umount(mnt);
        }
    }

    static Path mount(String options) throws Exception {
        return Tmpfs.mount(options);
    }

    static void umount(Path mnt) throws Exception {
        Tmpfs.umount(mnt);
    }
}

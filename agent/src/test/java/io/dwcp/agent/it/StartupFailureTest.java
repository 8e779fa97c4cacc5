package io.dwcp.agent.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}

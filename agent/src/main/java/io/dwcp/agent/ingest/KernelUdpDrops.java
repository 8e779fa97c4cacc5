package io.dwcp.agent.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the kernel's own receive-drop count for our UDP port from {@code /proc/net/udp{,6}} (last
 * column, "drops"): datagrams the socket buffer could not hold never reach Netty, so only the kernel
 * can count them. Returns NaN where /proc is not readable (non-Linux, hardened sandboxes).
 */
public final class KernelUdpDrops {
    private final int port;
    private final Path[] tables;

    public KernelUdpDrops(int port) {
        this(port, Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));
    }

    KernelUdpDrops(int port, Path... tables) {
        this.port = port;
        this.tables = tables;
    }

    public double read() {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        long sum = 0;
        boolean any = false;
        for (Path t : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(t);
            } catch (IOException | SecurityException e) {
                continue;
            }
            any = true;
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length >= 13 && f[1].endsWith(hexPort)) {
                    try {
                        sum += Long.parseLong(f[f.length - 1]);
                    } catch (NumberFormatException ignored) {
                        // a format we do not know: leave it out rather than guess
                    }
                }
            }
        }
        return any ? sum : Double.NaN;
    }
}

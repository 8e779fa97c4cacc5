package io.dwcp.agent;

import io.micronaut.runtime.Micronaut;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Entry point. {@code dwcp-agent [run]} starts the agent; {@code dwcp-agent demo} starts it with the
 * built-in simulator and a printing reader, on a socket under the temp directory so it runs unprivileged.
 * Startup failures print one line naming the cause and exit with {@link #exitCode}: 2 for invalid
 * configuration and other failures only an operator can fix (the unit's {@code RestartPreventExitStatus}), 75 for
 * failures that may heal (a port in use, the socket directory not yet writable; systemd restarts), 1 for any
 * other (unexpected) failure, which systemd also restarts within its start limit.
 */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Map<String, Object> props = new HashMap<>();
        String[] rest = args;
        if (args.length > 0 && !args[0].startsWith("-")) {
            rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "run" -> { }
                case "demo" -> {
                    props.put("dwcp.demo.enabled", "true");
                    // Only a default: a path given any other way (issue 18: --dwcp.socket.path was ignored) wins.
                    boolean given = Arrays.stream(rest).anyMatch(a -> a.startsWith("--dwcp.socket.path="));
                    if (!given && System.getProperty("dwcp.socket.path") == null && System.getenv("DWCP_SOCKET_PATH") == null) {
                        props.put("dwcp.socket.path", System.getProperty("java.io.tmpdir") + "/dwcp-agent-demo/agent.sock");
                    }
                }
                default -> {
                    System.err.println("usage: dwcp-agent [run|demo] [--key=value ...]");
                    System.exit(64);
                }
            }
        }
        prewarm();
        try {
            // Micronaut's own handler would log a banner-sized error and exit 1 when the HTTP port is taken;
            // rethrow so every start-up failure gets the same one line and status 2.
            new Micronaut() {
                @Override
                protected void handleStartupException(io.micronaut.context.env.Environment env, Throwable e) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
            }.args(rest).mainClass(Application.class).properties(props).start();
        } catch (Throwable t) {
            System.err.println("dwcp-agent: startup failed: " + startupMessage(t));
            System.exit(exitCode(t));
        }
    }

    /**
     * Issue 16 (ready in under 2 s on two cores): start-up is one thread (Micronaut builds its context, then our
     * service loads the models), so the other core idles. This thread meanwhile runs the class initialisers that
     * model loading would otherwise run on the main thread: the native kernels' and networks' probes (JavaCPP
     * unpacks and loads our libraries), Netty's epoll probe and the model metadata's JSON mapper. They depend on
     * nothing Micronaut configures (only -D kill switches), never throw, and the JVM runs each initialiser once:
     * the main thread, if it gets there first, does the work itself or waits for this thread to finish it.
     */
    private static void prewarm() {
        Thread t = new Thread(() -> {
            try {
                io.dwcp.jni.nets.NativeNets.isAvailable();
                io.dwcp.jni.Kernels.describe();
                io.dwcp.agent.ops.Transports.epoll();
                Class.forName("io.dwcp.models.serving.ModelMetadata", true, Application.class.getClassLoader());
            } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
                // Only a head start: whatever failed here fails again, and is reported, where it is used.
            }
        }, "dwcp-prewarm");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The exit status for a start-up failure (issue 17 item 9: every failure exited 2, which the unit does not
     * restart, so a port still held by the previous process left the service failed for good).
     */
    public static int exitCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.dwcp.agent.config.ConfigException) {
                return io.dwcp.agent.config.StartupException.EXIT_CONFIG;
            }
            if (c instanceof io.dwcp.agent.config.StartupException s) {
                return s.mayHeal() ? io.dwcp.agent.config.StartupException.EXIT_MAY_HEAL
                        : io.dwcp.agent.config.StartupException.EXIT_CONFIG;
            }
            if (c instanceof io.micronaut.http.server.exceptions.ServerStartupException) {
                return io.dwcp.agent.config.StartupException.EXIT_MAY_HEAL; // the management port is taken
            }
        }
        return 1;
    }

    /**
     * The line an operator needs from a start-up failure: our own message (naming the key, port or path)
     * where there is one in the cause chain, else the innermost cause's.
     */
    public static String startupMessage(Throwable t) {
        Throwable root = t;
        String server = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.dwcp.agent.config.StartupException || c instanceof io.dwcp.agent.config.ConfigException) {
                return c.getMessage();
            }
            if (server == null && c instanceof io.micronaut.http.server.exceptions.ServerStartupException) {
                server = c.getMessage(); // "Unable to start Micronaut server on host:port"
            }
            root = c;
        }
        if (server != null) {
            String on = server.replaceFirst("^.* on ", "");
            return "cannot start the management HTTP server on " + on + " (micronaut.server.port): " + root.getMessage();
        }
        return root.getMessage();
    }
}

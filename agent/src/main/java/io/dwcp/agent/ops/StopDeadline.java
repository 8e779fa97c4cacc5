package io.dwcp.agent.ops;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the whole JVM shutdown under systemd: once armed, a daemon thread halts the process with status
 * 143 (what a SIGTERM'd JVM exits with, the unit's {@code SuccessExitStatus=}) if shutdown has not finished
 * by the deadline. The agent's own steps are bounded (pipeline drain 5 s, socket close), but shutdown hooks
 * of libraries are not; without this a stuck hook would run into {@code TimeoutStopSec=} and a SIGKILL,
 * which systemd records as a failure. If the JVM exits first the daemon thread simply dies with it.
 *
 * <p>Armed only under systemd (see {@link SdNotify#stopping()}), never in tests or an interactive run.
 * Thread-safe; arming twice keeps the first deadline.
 */
public final class StopDeadline {
    private static final Logger LOG = LoggerFactory.getLogger(StopDeadline.class);
    /** Below the unit's TimeoutStopSec=20s, so the agent ends itself before systemd kills it. */
    public static final Duration DEFAULT = Duration.ofSeconds(15);

    private static Thread armed;

    private StopDeadline() {}

    /** Starts the countdown to {@code Runtime.halt(143)}. */
    public static synchronized void arm(Duration after) {
        if (armed != null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.warn("shutdown still running after {} s; halting now (status 143) so systemd sees a clean stop",
                    after.toSeconds());
            Runtime.getRuntime().halt(143);
        }, "dwcp-stop-deadline");
        t.setDaemon(true);
        t.start();
        armed = t;
    }
}

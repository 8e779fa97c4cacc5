package io.dwcp.agent.demo;

import io.dwcp.agent.config.AgentConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the simulator and, if configured, the printing reader beside the agent; stops the JVM after the configured duration. */
public final class Demo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    private final AgentConfig config;
    private final InetSocketAddress target;
    private final PrintingReader reader;
    private Thread sender;
    private Thread readerThread;
    private volatile boolean running = true;

    public Demo(AgentConfig config, InetSocketAddress target) {
        this.config = config;
        this.target = target;
        this.reader = config.demo().print() ? new PrintingReader(config.socket().path(), System.out) : null;
    }

    public void start() {
        if (reader != null) {
            readerThread = new Thread(reader, "dwcp-demo-reader");
            readerThread.setDaemon(true);
            readerThread.start();
        }
        sender = new Thread(this::send, "dwcp-demo-simulator");
        sender.setDaemon(true);
        sender.start();
        LOG.info("demo: simulating {} links and {} nodes at {} ticks/s into {}", config.demo().links(),
                config.demo().nodes(), config.demo().ratePerSecond(), target);
    }

    private void send() {
        long period = TimeUnit.SECONDS.toNanos(1) / config.demo().ratePerSecond();
        long end = config.demo().duration().isZero() ? Long.MAX_VALUE
                : System.nanoTime() + config.demo().duration().toNanos();
        try (Simulator sim = new Simulator(target, config.demo().links(), config.demo().nodes(),
                config.demo().print() ? System.out : null)) {
            long next = System.nanoTime();
            while (running && System.nanoTime() < end) {
                sim.tick();
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            LOG.info("demo: simulator sent {} datagrams", sim.sent());
        } catch (IOException e) {
            LOG.error("demo simulator stopped: {}", e.toString());
        }
        if (running && !config.demo().duration().isZero()) {
            LOG.info("demo: duration {} reached, exiting", config.demo().duration());
            // Exit through the normal shutdown hooks so the agent stops as it would under systemd.
            new Thread(() -> System.exit(0), "dwcp-demo-exit").start();
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader != null) {
            reader.close();
        }
    }
}

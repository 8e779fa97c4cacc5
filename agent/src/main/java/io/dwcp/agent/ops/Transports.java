package io.dwcp.agent.ops;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native epoll when it loads (recvmmsg for UDP, native Unix sockets), NIO otherwise. The choice and,
 * for NIO, the reason epoll was skipped are logged once. Set {@code -Ddwcp.epoll.disable=true} to
 * force NIO.
 */
public final class Transports {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
    private static final boolean EPOLL;

    static {
        boolean disabled = io.dwcp.agent.config.AgentKillSwitches.current().epollDisabled();
        boolean ok = !disabled && Epoll.isAvailable();
        EPOLL = ok;
        if (ok) {
            LOG.info("transport: native epoll");
        } else if (disabled) {
            LOG.info("transport: NIO (epoll disabled by -Ddwcp.epoll.disable=true)");
        } else {
            LOG.info("transport: NIO (epoll unavailable: {})", String.valueOf(Epoll.unavailabilityCause()));
        }
    }

    private Transports() {}

    public static boolean epoll() {
        return EPOLL;
    }

    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    public static EventLoopGroup group(int threads, String name) {
        return group(threads, new DefaultThreadFactory(name, true));
    }

    /** As {@link #group(int, String)}, with threads from {@code threads} (e.g. {@link ThreadScheduling#latencyThreads}). */
    public static EventLoopGroup group(int threads, java.util.concurrent.ThreadFactory factory) {
        IoHandlerFactory f = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory, f);
    }
}

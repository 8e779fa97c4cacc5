package io.dwcp.agent.ingest;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ops.ThreadScheduling;
import io.dwcp.agent.ops.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP listener: one event-loop thread that only decodes and hands off. With epoll it reads up to
 * {@value #BATCH} datagrams per syscall (recvmmsg), which is what keeps loss low at 100k datagrams/s.
 */
public final class UdpIngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpIngestServer.class);
    private static final int MAX_UDP_PAYLOAD = 65_507;
    private static final int BATCH = 16;

    private final AgentConfig.Ingest config;
    private final MetricDecoder decoder;
    private final RecordQueue queue;
    private final IngestMetrics metrics;
    private final ThreadScheduling scheduling;
    private EventLoopGroup group;
    private Channel channel;

    public UdpIngestServer(AgentConfig.Ingest config, RecordQueue queue, IngestMetrics metrics) {
        this(config, queue, metrics, ThreadScheduling.OFF);
    }

    /** As above; the UDP loop's thread joins {@code scheduling}'s latency path (every sample starts there). */
    public UdpIngestServer(AgentConfig.Ingest config, RecordQueue queue, IngestMetrics metrics, ThreadScheduling scheduling) {
        this.scheduling = scheduling;
        this.config = config;
        this.decoder = new SniffingDecoder(IngestLimits.of(config));
        this.queue = queue;
        this.metrics = metrics;
    }

    /** Binds or throws with the address in the message (e.g. port in use). */
    public synchronized InetSocketAddress start() {
        if (!new InetSocketAddress(config.host(), 0).getAddress().isLoopbackAddress()) {
            LOG.warn("UDP ingest listens on non-loopback address {}: any host that reaches it can feed metrics",
                    config.host());
        }
        group = Transports.group(1, scheduling.latencyThreads("dwcp-udp"));
        Bootstrap b = new Bootstrap().group(group)
                .option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes())
                .handler(new DatagramHandler(decoder, queue, metrics));
        if (Transports.epoll()) {
            b.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_UDP_PAYLOAD)
                    // Adaptive between one datagram's room and a recvmmsg batch's: a fixed batch-sized buffer (~1 MB,
                    // unpooled, zeroed on allocation) per read was 15 % of the agent's CPU at 1,000 datagrams/s, where
                    // each read gets one datagram; under load reads fill up and the buffer grows to the batch again.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new io.netty.channel.AdaptiveRecvByteBufAllocator(
                            MAX_UDP_PAYLOAD + 1, MAX_UDP_PAYLOAD + 1, MAX_UDP_PAYLOAD * BATCH));
        } else {
            b.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_PAYLOAD + 1));
        }
        InetSocketAddress want = new InetSocketAddress(config.host(), config.port());
        try {
            channel = b.bind(want).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the checked bind error undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw io.dwcp.agent.config.StartupException.mayHeal("cannot bind UDP ingest to " + config.host() + ":" + config.port()
                    + " (dwcp.ingest.port): " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        int rcvbuf = channel.config().getOption(ChannelOption.SO_RCVBUF);
        if (rcvbuf < config.receiveBufferBytes()) {
            LOG.warn("UDP receive buffer is {} bytes, less than the {} asked for: raise net.core.rmem_max",
                    rcvbuf, config.receiveBufferBytes());
        }
        LOG.info("UDP ingest listening on {} ({}, receive buffer {} bytes)", bound, Transports.name(), rcvbuf);
        return bound;
    }

    public boolean isActive() {
        Channel c = channel;
        return c != null && c.isActive();
    }

    /** Stops reading: what the kernel still buffers is dropped with the socket. */
    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}

package io.dwcp.agent.ingest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Decodes datagrams on the I/O loop and hands records off without blocking. Never throws out of
 * {@code channelRead}: a decoder bug costs one datagram (counted as malformed), not the listener.
 *
 * <p>One instance per channel (it reuses a scratch array), used only from that channel's event loop.
 */
public final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> implements RecordSink {
    private final MetricDecoder decoder;
    private final RecordQueue queue;
    private final IngestMetrics metrics;
    private byte[] scratch = new byte[2048];

    public DatagramHandler(MetricDecoder decoder, RecordQueue queue, IngestMetrics metrics) {
        this.decoder = decoder;
        this.queue = queue;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf buf = packet.content();
        int n = buf.readableBytes();
        metrics.datagram(n);
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        try {
            decoder.decode(scratch, 0, n, System.currentTimeMillis(), this);
        } catch (RuntimeException e) {
            reject(RejectReason.MALFORMED, "decoder failed: " + e);
        }
    }

    @Override
    public void accept(MetricRecord record) {
        if (queue.offer(record)) {
            metrics.accepted();
        } else {
            metrics.rejected(RejectReason.QUEUE_FULL, "pipeline queue full, record for " + record.key());
        }
    }

    @Override
    public void reject(RejectReason reason, String detail) {
        metrics.rejected(reason, detail);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP channel stays open on read errors (e.g. ICMP port unreachable); log and go on.
        metrics.rejected(RejectReason.MALFORMED, "channel error: " + cause);
    }
}

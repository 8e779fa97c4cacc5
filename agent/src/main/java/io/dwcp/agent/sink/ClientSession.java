package io.dwcp.agent.sink;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected client: its subscription and its bounded buffer of events not yet written.
 *
 * <p>Netty's own outbound buffer takes events until the high watermark; past it ({@code !isWritable()})
 * events wait here, at most {@code capacity}, and the oldest is dropped (counted) to make room — a reader
 * that falls behind gets the newest predictions, which are the useful ones. Replies to requests skip this
 * buffer: they are never dropped, and their number is bounded by the per-client in-flight limit.
 *
 * <p>All state except {@link #inFlight}, {@link #inFlightIds} and {@link #types} is touched only on the
 * channel's event loop.
 */
final class ClientSession {
    final Channel channel;
    final AtomicInteger inFlight = new AtomicInteger();
    /** Ids of the inference requests in flight (at most max-in-flight-per-client), to refuse duplicates. */
    final Set<String> inFlightIds = ConcurrentHashMap.newKeySet();
    volatile Set<String> types; // null = all event types
    /** Set once the client named itself: its events then come from that subscriber, not from here. */
    volatile NamedSubscriber named;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private final int capacity;
    private final SocketMetrics metrics;
    private boolean closed;
    private boolean flushScheduled;
    private final Runnable flushTask = this::flushNow;

    ClientSession(Channel channel, int capacity, SocketMetrics metrics) {
        this.channel = channel;
        this.capacity = capacity;
        this.metrics = metrics;
    }

    boolean wants(String type) {
        Set<String> t = types;
        return t == null || t.contains(type);
    }

    /** From any thread. */
    void offer(byte[] line) {
        metrics.queued.increment();
        channel.eventLoop().execute(() -> enqueue(line));
    }

    private void enqueue(byte[] line) {
        if (closed) {
            metrics.droppedDisconnected.increment();
            return;
        }
        if (pending.isEmpty() && channel.isWritable()) {
            write(line);
            scheduleFlush();
            return;
        }
        if (pending.size() >= capacity) {
            pending.pollFirst();
            metrics.droppedSlow.increment();
        }
        pending.addLast(line);
    }

    /**
     * One flush per burst instead of per event: the flush task runs after the event-loop tasks already
     * queued (the rest of the burst), so a batch of predictions leaves in one syscall.
     */
    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    private void write(byte[] line) {
        channel.write(Unpooled.wrappedBuffer(line)).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                metrics.written.increment();
            } else {
                metrics.droppedDisconnected.increment();
            }
        });
    }

    /** Event loop: Netty's buffer drained below the low watermark. */
    void drain() {
        boolean any = false;
        while (!pending.isEmpty() && channel.isWritable()) {
            write(pending.pollFirst());
            any = true;
        }
        if (any) {
            channel.flush();
        }
    }

    /** Event loop: connection gone; what still waits here is counted as dropped. */
    void closed() {
        closed = true;
        metrics.droppedDisconnected.increment(pending.size());
        pending.clear();
    }

    /** Replies bypass the drop-oldest buffer. From any thread. */
    void reply(byte[] line) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(line));
    }
}

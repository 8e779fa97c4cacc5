package io.dwcp.agent.sink;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * A reader that named itself ({@code subscribe} with {@code client}): its stream outlives its connections.
 *
 * <p>Every event for it gets the next sequence number and goes into a ring of the last {@code capacity}
 * events, whether or not a connection is attached. Events are written from the ring, and stay there after
 * being written: what was written to a connection that then died may never have been read, so on reconnect
 * the client says the last {@code seq} it received and everything after it that the ring still holds is
 * written again, in order, once. The agent cannot know what a dead connection delivered; the client can.
 *
 * <p>Counting, so that {@code newest seq = events the client received + events counted dropped}: an event
 * evicted from the ring before it was ever written is counted at once ({@code slow_client} while a connection
 * is attached, {@code backlog_full} while none is). An event evicted after it was written is "in doubt" until
 * the client resumes: if the resume point is below it, it is lost and counted then ({@code backlog_full}). In
 * doubt events are remembered as seq ranges (one range per stretch of evictions, merged when contiguous),
 * cleared at each resume.
 *
 * <p>All methods are synchronized: {@link #append} runs on the pipeline worker, the rest on the socket event
 * loop.
 */
final class NamedSubscriber {
    final String name;
    private final byte[][] ring; // event seq s lives at ring[s % capacity] while firstSeq <= s < nextSeq
    private final int capacity;
    private final SocketMetrics metrics;
    private long firstSeq;
    private long nextSeq;
    /** Highest seq written (or skipped because evicted) on the current or last connection. */
    private long cursor;
    /** Highest seq ever written, to tell replays apart. */
    private long highestWritten;
    /**
     * The highest {@code resume_after} the client gave (or, after a subscribe without one, the last seq
     * written): everything at or below it is processed or counted, and is never written again.
     */
    private long acked;
    private final ArrayDeque<long[]> inDoubt = new ArrayDeque<>();
    private volatile Set<String> types; // null = all
    private ClientSession attached;
    private long detachedAtNanos = System.nanoTime();
    private boolean drainScheduled;
    private boolean discarded;

    NamedSubscriber(String name, int capacity, SocketMetrics metrics) {
        this(name, capacity, metrics, 0);
    }

    /**
     * A name the agent does not know yet. {@code startAfter}: the {@code resume_after} its first subscribe
     * gave (0: none). The new stream is numbered from {@code startAfter + 1}, so that a reader that kept its
     * position across an agent restart (or a forgotten name) never sees a seq at or below the one it said it
     * processed: its "skip what I have seen" rule stays right (issue 18: restarting at 1 re-delivered about
     * 2,000 seqs the reader took for ones it had read).
     */
    NamedSubscriber(String name, int capacity, SocketMetrics metrics, long startAfter) {
        this.name = name;
        this.capacity = capacity;
        this.ring = new byte[capacity][];
        this.metrics = metrics;
        this.firstSeq = startAfter + 1;
        this.nextSeq = startAfter + 1;
        this.cursor = startAfter;
        this.highestWritten = startAfter;
        this.acked = startAfter;
    }

    boolean wants(String type) {
        Set<String> t = types;
        return t == null || t.contains(type);
    }

    void types(Set<String> t) {
        types = t;
    }

    private int slot(long seq) {
        return (int) (seq % capacity);
    }

    /** Pipeline worker: a new event for this subscriber. */
    synchronized void append(byte[] line) {
        metrics.queued.increment();
        if (discarded) { // raced with discard(): the publisher saw it just before it was forgotten
            metrics.droppedDisconnected.increment();
            return;
        }
        if (nextSeq - firstSeq == capacity) {
            long evicted = firstSeq++;
            ring[slot(evicted)] = null;
            if (evicted > cursor) {
                (attached != null ? metrics.droppedSlow : metrics.droppedBacklog).increment();
                cursor = evicted; // never written, never will be
            } else if (evicted > acked) {
                long[] last = inDoubt.peekLast();
                if (last != null && last[1] == evicted - 1) {
                    last[1] = evicted;
                } else {
                    inDoubt.addLast(new long[] {evicted, evicted});
                }
            }
        }
        ring[slot(nextSeq)] = line;
        nextSeq++;
        if (attached != null && !drainScheduled) {
            drainScheduled = true;
            ClientSession s = attached;
            s.channel.eventLoop().execute(() -> drain(s));
        }
    }

    /** What {@link #attach} tells the client. */
    record Resume(long nextSeq, long missed, long lastSeq) {}

    /**
     * Event loop: {@code session} takes over this stream. {@code resumeAfter} is the last seq the client
     * received (null: continue after what was last written, without replaying). A previous connection still
     * attached (its death not yet noticed) is closed.
     *
     * @throws IllegalArgumentException when resumeAfter is beyond what was ever written
     */
    synchronized Resume attach(ClientSession session, Long resumeAfter) {
        if (resumeAfter != null && resumeAfter > cursor) {
            throw new IllegalArgumentException("params.resume_after " + resumeAfter + " is beyond the last event ("
                    + cursor + ") written to client '" + name + "'");
        }
        ClientSession old = attached;
        if (old != null && old != session) {
            old.named = null;
            old.channel.close();
        }
        attached = session;
        session.named = this;
        if (resumeAfter == null) {
            // No resume point: nothing in doubt can be settled; treat it as delivered.
            inDoubt.clear();
            acked = Math.max(acked, cursor);
            return new Resume(cursor + 1, 0, nextSeq - 1);
        }
        long from = Math.max(resumeAfter, acked); // a resume point never goes back
        long lostNow = 0;
        for (long[] r : inDoubt) {
            long lo = Math.max(r[0], from + 1);
            if (r[1] >= lo) {
                lostNow += r[1] - lo + 1;
            }
        }
        inDoubt.clear();
        metrics.droppedBacklog.increment(lostNow);
        acked = from;
        long start = Math.max(from + 1, firstSeq);
        cursor = start - 1;
        return new Resume(start, start - 1 - from, nextSeq - 1);
    }

    /** Where the stream stands: next seq to write, newest seq. */
    synchronized Resume position() {
        return new Resume(cursor + 1, 0, nextSeq - 1);
    }

    /** Event loop: the connection closed. */
    synchronized void detach(ClientSession session) {
        if (attached == session) {
            attached = null;
            detachedAtNanos = System.nanoTime();
        }
        session.named = null;
    }

    synchronized boolean isAttached() {
        return attached != null;
    }

    synchronized long detachedAtNanos() {
        return detachedAtNanos;
    }

    /** Forgotten to make room for another name: what was never written is counted as dropped. */
    synchronized void discard() {
        long unwritten = nextSeq - 1 - cursor;
        metrics.droppedDisconnected.increment(unwritten);
        cursor = nextSeq - 1;
        discarded = true;
    }

    /** Event loop: write what the connection's buffer takes, from the cursor on. */
    synchronized void drain(ClientSession s) {
        drainScheduled = false;
        if (attached != s) {
            return;
        }
        Channel ch = s.channel;
        boolean any = false;
        while (cursor < nextSeq - 1 && ch.isWritable()) {
            long seq = ++cursor;
            byte[] line = ring[slot(seq)];
            if (seq <= highestWritten) {
                metrics.replayed.increment();
            } else {
                highestWritten = seq;
            }
            ch.write(Unpooled.wrappedBuffer(withSeq(seq, line))).addListener((ChannelFutureListener) f -> {
                // A failed write needs no count here: the event is still in the ring (or in doubt) and the
                // client's resume point settles it.
                if (f.isSuccess()) {
                    metrics.written.increment();
                }
            });
            any = true;
        }
        if (any) {
            ch.flush();
        }
    }

    /** {@code {"v":1,...}} → {@code {"seq":N,"v":1,...}}: readers ignore fields they do not know. */
    static byte[] withSeq(long seq, byte[] line) {
        byte[] prefix = ("{\"seq\":" + seq + ",").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + line.length - 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(line, 1, out, prefix.length, line.length - 1);
        return out;
    }
}

package io.dwcp.agent.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backlog's accounting, step by step: newest seq = received + counted drops, no seq twice. */
class NamedSubscriberTest {
    final SimpleMeterRegistry reg = new SimpleMeterRegistry();
    final SocketMetrics m = new SocketMetrics(reg);

    static byte[] event(int i) {
        return ("{\"v\":1,\"type\":\"bandwidth_prediction\",\"i\":" + i + "}\n").getBytes(StandardCharsets.UTF_8);
    }

    static List<String> read(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    double drops() {
        return m.droppedBacklog.count() + m.droppedSlow.count();
    }

    @Test
    void resumeReplaysWhatIsKeptAndCountsWhatWasLostInADeadConnection() {
        NamedSubscriber n = new NamedSubscriber("go", 10, m);
        EmbeddedChannel c1 = new EmbeddedChannel();
        ClientSession s1 = new ClientSession(c1, 100, m);
        n.attach(s1, null);
        for (int i = 1; i <= 10; i++) {
            n.append(event(i));
        }
        List<String> got = read(c1);
        assertEquals(10, got.size());
        assertEquals("{\"seq\":1,\"v\":1,\"type\":\"bandwidth_prediction\",\"i\":1}\n", got.get(0));
        // The reader got only 1..3 before it died; 4..10 were written but never read.
        n.detach(s1);
        for (int i = 11; i <= 30; i++) {
            n.append(event(i));
        }
        // 1..10 evicted after being written (in doubt), 11..20 evicted never written (counted at once).
        assertEquals(10, m.droppedBacklog.count(), 0.0);

        EmbeddedChannel c2 = new EmbeddedChannel();
        ClientSession s2 = new ClientSession(c2, 100, m);
        NamedSubscriber.Resume r = n.attach(s2, 3L);
        assertEquals(21, r.nextSeq());
        assertEquals(17, r.missed());
        assertEquals(30, r.lastSeq());
        n.drain(s2);
        List<String> replay = read(c2);
        assertEquals(10, replay.size());
        assertEquals(true, replay.get(0).startsWith("{\"seq\":21,"));
        // sent 30 = received (1..3 and 21..30) + dropped (4..20)
        assertEquals(30, 3 + replay.size() + drops(), 0.0);
        assertEquals(0, m.replayed.count(), 0.0, "21..30 were never written before");
    }

    @Test
    void withinTheBoundEverythingUnreadIsWrittenAgainOnce() {
        NamedSubscriber n = new NamedSubscriber("go", 100, m);
        EmbeddedChannel c1 = new EmbeddedChannel();
        ClientSession s1 = new ClientSession(c1, 100, m);
        n.attach(s1, null);
        for (int i = 1; i <= 20; i++) {
            n.append(event(i));
        }
        assertEquals(20, read(c1).size());
        n.detach(s1);
        for (int i = 21; i <= 50; i++) {
            n.append(event(i));
        }
        EmbeddedChannel c2 = new EmbeddedChannel();
        ClientSession s2 = new ClientSession(c2, 100, m);
        NamedSubscriber.Resume r = n.attach(s2, 12L);
        assertEquals(13, r.nextSeq());
        assertEquals(0, r.missed());
        n.drain(s2);
        List<String> replay = read(c2);
        assertEquals(38, replay.size()); // 13..50
        assertEquals(8, m.replayed.count(), 0.0, "13..20 went out twice: once unread, once now");
        assertEquals(0, drops(), 0.0);
    }

    @Test
    void nothingAtOrBelowAResumePointIsWrittenAgainEvenWhenALaterOneIsLower() {
        NamedSubscriber n = new NamedSubscriber("go", 100, m);
        EmbeddedChannel c1 = new EmbeddedChannel();
        ClientSession s1 = new ClientSession(c1, 100, m);
        n.attach(s1, null);
        for (int i = 1; i <= 20; i++) {
            n.append(event(i));
        }
        assertEquals(20, read(c1).size());
        n.detach(s1);
        EmbeddedChannel c2 = new EmbeddedChannel();
        ClientSession s2 = new ClientSession(c2, 100, m);
        assertEquals(16, n.attach(s2, 15L).nextSeq());
        n.drain(s2);
        assertEquals(5, read(c2).size(), "16..20 again");
        n.detach(s2);
        EmbeddedChannel c3 = new EmbeddedChannel();
        ClientSession s3 = new ClientSession(c3, 100, m);
        // The reader said it processed 15: a later, lower resume point does not bring 11..15 back.
        assertEquals(16, n.attach(s3, 10L).nextSeq());
        n.drain(s3);
        List<String> again = read(c3);
        assertEquals(5, again.size());
        assertEquals(true, again.get(0).startsWith("{\"seq\":16,"), again.get(0));
    }

    @Test
    void aNewNameGivenAResumePointContinuesAfterIt() {
        NamedSubscriber n = new NamedSubscriber("go", 10, m, 2000);
        EmbeddedChannel c1 = new EmbeddedChannel();
        NamedSubscriber.Resume r = n.attach(new ClientSession(c1, 100, m), null);
        assertEquals(2001, r.nextSeq());
        assertEquals(2000, r.lastSeq());
        n.append(event(1));
        assertEquals(true, read(c1).get(0).startsWith("{\"seq\":2001,"));
        assertEquals(0, drops(), 0.0);
    }

    @Test
    void resumePointBeyondWhatWasWrittenIsRefused() {
        NamedSubscriber n = new NamedSubscriber("go", 10, m);
        EmbeddedChannel c1 = new EmbeddedChannel();
        n.attach(new ClientSession(c1, 100, m), null);
        n.append(event(1));
        read(c1);
        assertThrows(IllegalArgumentException.class, () -> n.attach(new ClientSession(new EmbeddedChannel(), 100, m), 5L));
    }

    @Test
    void aSecondConnectionWithTheNameTakesOverAndTheFirstIsClosed() {
        NamedSubscriber n = new NamedSubscriber("go", 10, m);
        EmbeddedChannel c1 = new EmbeddedChannel();
        ClientSession s1 = new ClientSession(c1, 100, m);
        n.attach(s1, null);
        ClientSession s2 = new ClientSession(new EmbeddedChannel(), 100, m);
        n.attach(s2, 0L);
        assertEquals(false, c1.isOpen());
        assertEquals(null, s1.named);
        assertEquals(n, s2.named);
    }
}

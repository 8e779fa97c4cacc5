package io.dwcp.agent.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class WindowStoreTest {
    @Test
    void ringKeepsNewestInOrder() {
        RingWindow w = new RingWindow(3, 1);
        for (int i = 1; i <= 5; i++) {
            w.add(new float[] {i}, i, i);
        }
        assertTrue(w.full());
        float[][] s = w.snapshot();
        assertArrayEquals(new float[] {3}, s[0]);
        assertArrayEquals(new float[] {5}, s[2]);
        assertArrayEquals(new float[] {5}, w.latest());
    }

    @Test
    void boundedByKeysEvictsStalest() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        WindowStore st = new WindowStore("t", 2, 1, 2, Long.MAX_VALUE, reg);
        st.add("a", new float[] {1}, 0, 1);
        st.add("b", new float[] {1}, 0, 2);
        st.add("a", new float[] {2}, 0, 3);
        st.add("c", new float[] {1}, 0, 4);
        assertEquals(2, st.size());
        assertNull(st.get("b"), "b was least recently updated");
        assertEquals(1, reg.get("dwcp.windows.evicted").tag("cause", "capacity").counter().count());
    }

    @Test
    void idleKeysSwept() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        WindowStore st = new WindowStore("t", 2, 1, 10, 100, reg);
        st.add("old", new float[] {1}, 0, 0);
        st.add("new", new float[] {1}, 0, 150);
        assertEquals(1, st.evictIdle(160));
        assertNull(st.get("old"));
        assertFalse(st.get("new") == null);
    }

    /** Issue 17 item 1: 10k keys of 60 KB held 428 MB under a count-only bound. The key bytes are bounded too. */
    @Test
    void boundedByKeyBytesEvictsStalestWhateverTheKeyLengths() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        long cap = 1 << 20;
        WindowStore st = new WindowStore("t", 2, 1, 10_000, cap, Long.MAX_VALUE, reg);
        String pad = "x".repeat(30_000);
        for (int i = 0; i < 1000; i++) {
            st.add(i + pad + "->" + pad, new float[] {1}, 0, i);
            assertTrue(st.keyBytes() <= cap, "key bytes " + st.keyBytes() + " after " + i);
        }
        long held = 0;
        for (int i = 0; i < 1000; i++) {
            String k = i + pad + "->" + pad;
            if (st.get(k) != null) {
                held += 2L * k.length();
            }
        }
        assertTrue(held <= cap, "characters held: " + held);
        assertTrue(st.size() >= 8 && st.size() < 20, "keys kept: " + st.size());
        assertTrue(st.get(999 + pad + "->" + pad) != null, "the newest key is kept");
        assertEquals(1000 - st.size(), reg.get("dwcp.windows.evicted").tag("cause", "key_bytes").counter().count());
        assertEquals((double) st.keyBytes(), reg.get("dwcp.windows.key.bytes").gauge().value());
        // Short keys are unaffected by the byte bound: 10k of them fit.
        WindowStore small = new WindowStore("s", 2, 1, 10_000, 16L << 20, Long.MAX_VALUE, reg);
        for (int i = 0; i < 10_000; i++) {
            small.add("n" + i + "->p", new float[] {1}, 0, i);
        }
        assertEquals(10_000, small.size());
    }
}

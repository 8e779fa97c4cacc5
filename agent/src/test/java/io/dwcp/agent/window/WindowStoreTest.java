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
}

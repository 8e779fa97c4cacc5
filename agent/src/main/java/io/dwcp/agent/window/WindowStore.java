package io.dwcp.agent.window;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Windows per key (a link {@code node->peer} or a node), bounded twice: at most {@code maxKeys} keys,
 * the least recently updated evicted to make room, and keys idle longer than {@code idleNanos} swept.
 * So memory is {@code maxKeys × capacity × features × 4} bytes whatever senders do with ids.
 *
 * <p>Not thread-safe: confined to the pipeline worker, the only writer and reader.
 */
public final class WindowStore {
    private final String name;
    private final int capacity;
    private final int features;
    private final int maxKeys;
    private final long idleNanos;
    private final LinkedHashMap<String, RingWindow> windows = new LinkedHashMap<>(64, 0.75f, true);
    private final Counter evictedFull;
    private final Counter evictedIdle;
    private volatile int size;
    private java.util.function.Consumer<String> onEvict = k -> { };

    public WindowStore(String name, int capacity, int features, int maxKeys, long idleNanos, MeterRegistry registry) {
        this.name = name;
        this.capacity = capacity;
        this.features = features;
        this.maxKeys = maxKeys;
        this.idleNanos = idleNanos;
        Gauge.builder("dwcp.windows.tracked", this, s -> s.size).tag("store", name)
                .description("keys with a window").register(registry);
        evictedFull = Counter.builder("dwcp.windows.evicted").tag("store", name).tag("cause", "capacity")
                .description("windows dropped").register(registry);
        evictedIdle = Counter.builder("dwcp.windows.evicted").tag("store", name).tag("cause", "idle")
                .description("windows dropped").register(registry);
    }

    /** Told the key of every window evicted (e.g. to forget per-link state kept elsewhere). */
    public void onEvict(java.util.function.Consumer<String> listener) {
        this.onEvict = listener;
    }

    /** Appends a vector to the key's window, creating it (and evicting the stalest key if full); returns it. */
    public RingWindow add(String key, float[] vector, long timestampMillis, long nowNanos) {
        RingWindow w = windows.get(key);
        if (w == null) {
            if (windows.size() >= maxKeys) {
                Iterator<Map.Entry<String, RingWindow>> it = windows.entrySet().iterator();
                String victim = it.next().getKey();
                it.remove();
                evictedFull.increment();
                onEvict.accept(victim);
            }
            w = new RingWindow(capacity, features);
            windows.put(key, w);
            size = windows.size();
        }
        w.add(vector, timestampMillis, nowNanos);
        return w;
    }

    public RingWindow get(String key) {
        return windows.get(key);
    }

    /** Drops windows not updated for the idle period. A full scan: {@link #get} reorders too, so order alone can't be trusted. */
    public int evictIdle(long nowNanos) {
        int n = 0;
        Iterator<Map.Entry<String, RingWindow>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, RingWindow> e = it.next();
            if (nowNanos - e.getValue().lastUpdateNanos() >= idleNanos) {
                it.remove();
                n++;
                onEvict.accept(e.getKey());
            }
        }
        if (n > 0) {
            evictedIdle.increment(n);
            size = windows.size();
        }
        return n;
    }

    public int size() {
        return windows.size();
    }

    /** Steps per window. */
    public int capacityOfWindows() {
        return capacity;
    }

    public String name() {
        return name;
    }
}

package io.dwcp.agent.window;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Windows per key (a link {@code node->peer} or a node), bounded three ways: at most {@code maxKeys} keys and
 * at most {@code maxKeyBytes} of key strings (as {@link #keyBytes} estimates them), the least recently updated
 * evicted to make room, and keys idle longer than {@code idleNanos} swept. So memory is at most
 * {@code maxKeys × (capacity × features × 4 + overhead) + maxKeyBytes} whatever senders do with ids: issue 17
 * item 1 found 30 KB ids holding 428 MB at the 10k-key cap when only the count was bounded.
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
    private final Counter evictedBytes;
    private final long maxKeyBytes;
    private long keyBytesTotal;
    private volatile long keyBytesGauge;
    private volatile int size;
    private java.util.function.Consumer<String> onEvict = k -> { };

    public WindowStore(String name, int capacity, int features, int maxKeys, long idleNanos, MeterRegistry registry) {
        this(name, capacity, features, maxKeys, Long.MAX_VALUE, idleNanos, registry);
    }

    public WindowStore(String name, int capacity, int features, int maxKeys, long maxKeyBytes, long idleNanos,
                       MeterRegistry registry) {
        this.maxKeyBytes = maxKeyBytes;
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
        evictedBytes = Counter.builder("dwcp.windows.evicted").tag("store", name).tag("cause", "key_bytes")
                .description("windows dropped").register(registry);
        Gauge.builder("dwcp.windows.key.bytes", this, s -> s.keyBytesGauge).tag("store", name).baseUnit("bytes")
                .description("estimated heap held by the keys of the windows (dwcp.windows.max-key-bytes)")
                .register(registry);
    }

    /**
     * Heap a key costs, estimated from above: the String and its array headers, two bytes a character (a Latin-1
     * string takes one), and the map entry that holds it.
     */
    public static long keyBytes(String key) {
        return 96L + 2L * key.length();
    }

    /** Told the key of every window evicted (e.g. to forget per-link state kept elsewhere). */
    public void onEvict(java.util.function.Consumer<String> listener) {
        this.onEvict = listener;
    }

    /** Appends a vector to the key's window, creating it (and evicting the stalest key if full); returns it. */
    public RingWindow add(String key, float[] vector, long timestampMillis, long nowNanos) {
        RingWindow w = windows.get(key);
        if (w == null) {
            long kb = keyBytes(key);
            if (windows.size() >= maxKeys) {
                evictEldest(evictedFull);
            }
            while (!windows.isEmpty() && keyBytesTotal + kb > maxKeyBytes) {
                evictEldest(evictedBytes);
            }
            w = new RingWindow(capacity, features);
            windows.put(key, w);
            keyBytesTotal += kb;
            keyBytesGauge = keyBytesTotal;
            size = windows.size();
        }
        w.add(vector, timestampMillis, nowNanos);
        return w;
    }

    private void evictEldest(Counter cause) {
        Iterator<Map.Entry<String, RingWindow>> it = windows.entrySet().iterator();
        String victim = it.next().getKey();
        it.remove();
        keyBytesTotal -= keyBytes(victim);
        keyBytesGauge = keyBytesTotal;
        cause.increment();
        onEvict.accept(victim);
    }

    /** Estimated bytes of the keys now held (see {@link #keyBytes}). */
    public long keyBytes() {
        return keyBytesTotal;
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
                keyBytesTotal -= keyBytes(e.getKey());
                n++;
                onEvict.accept(e.getKey());
            }
        }
        if (n > 0) {
            evictedIdle.increment(n);
            size = windows.size();
            keyBytesGauge = keyBytesTotal;
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

package io.dwcp.agent.window;

/**
 * A fixed-capacity ring of feature vectors, oldest overwritten first. One flat float array so a
 * window can be copied into a batch tensor without per-step objects. Not thread-safe: owned by the
 * pipeline worker.
 */
public final class RingWindow {
    private final int capacity;
    private final int features;
    private final float[] data;
    private int head; // next slot to write
    private int count;
    private long added;
    private long lastUpdateNanos;
    private long lastTimestampMillis = Long.MIN_VALUE;

    public RingWindow(int capacity, int features) {
        if (capacity < 1 || features < 1) {
            throw new IllegalArgumentException("capacity and features must be >= 1");
        }
        this.capacity = capacity;
        this.features = features;
        this.data = new float[capacity * features];
    }

    public void add(float[] vector, long timestampMillis, long nowNanos) {
        if (vector.length != features) {
            throw new IllegalArgumentException("vector has " + vector.length + " features, window wants " + features);
        }
        System.arraycopy(vector, 0, data, head * features, features);
        head = (head + 1) % capacity;
        if (count < capacity) {
            count++;
        }
        added++;
        lastUpdateNanos = nowNanos;
        lastTimestampMillis = timestampMillis;
    }

    public boolean full() {
        return count == capacity;
    }

    public int size() {
        return count;
    }

    /** Vectors added since the window was created (overwritten ones included). */
    public long added() {
        return added;
    }

    public int capacity() {
        return capacity;
    }

    public int features() {
        return features;
    }

    public long lastUpdateNanos() {
        return lastUpdateNanos;
    }

    public long lastTimestampMillis() {
        return lastTimestampMillis;
    }

    /** Copies the last {@code size()} steps, oldest first, as {@code [step][feature]}. */
    public float[][] snapshot() {
        float[][] out = new float[count][features];
        int start = (head - count + capacity) % capacity;
        for (int i = 0; i < count; i++) {
            System.arraycopy(data, ((start + i) % capacity) * features, out[i], 0, features);
        }
        return out;
    }

    /** The newest vector, or null when empty. */
    public float[] latest() {
        if (count == 0) {
            return null;
        }
        float[] v = new float[features];
        System.arraycopy(data, ((head - 1 + capacity) % capacity) * features, v, 0, features);
        return v;
    }
}

package io.dwcp.jni;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Many fixed-size ring buffers of feature vectors (one per link, say) in one direct, native-order float
 * buffer {@code [nRings][capacity][nFeatures]}, so a {@link WindowPacker} can hand all of them to native
 * code without copying. Ring {@code r}'s next write goes to slot {@link #head(int) head(r)}; when a ring is
 * full the oldest sample is overwritten (and so dropped). {@link #count(int)} is how many slots hold data.
 *
 * <p>Not thread-safe: one owner (e.g. the window store's thread) writes, and packing must not run
 * concurrently with writes to the same rings.
 */
public final class Rings {
    private final int nRings;
    private final int capacity;
    private final int nFeatures;
    private final FloatBuffer data;
    private final int[] heads;
    private final int[] counts;

    public Rings(int nRings, int capacity, int nFeatures) {
        if (nRings < 1) {
            throw new IllegalArgumentException("nRings must be >= 1, got " + nRings);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        if (nFeatures < 1) {
            throw new IllegalArgumentException("nFeatures must be >= 1, got " + nFeatures);
        }
        long bytes = 4L * nRings * capacity * nFeatures;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(nRings + " rings x " + capacity + " x " + nFeatures
                    + " floats exceed one 2 GiB buffer");
        }
        this.nRings = nRings;
        this.capacity = capacity;
        this.nFeatures = nFeatures;
        this.data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.heads = new int[nRings];
        this.counts = new int[nRings];
    }

    public int nRings() {
        return nRings;
    }

    public int capacity() {
        return capacity;
    }

    public int nFeatures() {
        return nFeatures;
    }

    /** Slot of the next write to ring r. */
    public int head(int ring) {
        return heads[Objects.checkIndex(ring, nRings)];
    }

    /** Number of samples ring r holds (at most {@link #capacity()}). */
    public int count(int ring) {
        return counts[Objects.checkIndex(ring, nRings)];
    }

    /** Appends {@code sample[0..nFeatures)} to ring r, overwriting its oldest sample when full. */
    public void add(int ring, float[] sample) {
        add(ring, sample, 0);
    }

    /** Appends {@code sample[offset..offset + nFeatures)} to ring r, overwriting its oldest sample when full. */
    public void add(int ring, float[] sample, int offset) {
        Objects.checkIndex(ring, nRings);
        Objects.checkFromIndexSize(offset, nFeatures, sample.length);
        int h = heads[ring];
        data.put(((ring * capacity) + h) * nFeatures, sample, offset, nFeatures);
        heads[ring] = h + 1 == capacity ? 0 : h + 1;
        if (counts[ring] < capacity) {
            counts[ring]++;
        }
    }

    /** Forgets ring r's samples. */
    public void clear(int ring) {
        Objects.checkIndex(ring, nRings);
        heads[ring] = 0;
        counts[ring] = 0;
    }

    /** Sample {@code age} steps back (0 = newest) of ring r, feature f. For tests and debugging. */
    public float get(int ring, int age, int feature) {
        Objects.checkIndex(ring, nRings);
        Objects.checkIndex(age, counts[ring]);
        Objects.checkIndex(feature, nFeatures);
        int slot = Math.floorMod(heads[ring] - 1 - age, capacity);
        return data.get((ring * capacity + slot) * nFeatures + feature);
    }

    FloatBuffer data() {
        return data;
    }

    int[] heads() {
        return heads;
    }

    int[] counts() {
        return counts;
    }

    /** Test hook: writes raw state, e.g. a NaN or an inconsistent head/count the public API cannot produce. */
    void setRaw(int ring, int slot, int feature, float value) {
        data.put((ring * capacity + slot) * nFeatures + feature, value);
    }
}

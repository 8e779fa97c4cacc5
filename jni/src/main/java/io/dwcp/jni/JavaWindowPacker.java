package io.dwcp.jni;

import java.nio.FloatBuffer;

/** The pure-Java reference packer; the C and CUDA kernels are tested against it. Thread-safe. */
final class JavaWindowPacker extends AbstractWindowPacker {

    JavaWindowPacker(int nFeatures, int window, Scaling scaling) {
        super(nFeatures, window, scaling);
    }

    @Override
    public Implementation implementation() {
        return Implementation.JAVA;
    }

    @Override
    void packChecked(Rings rings, int[] select, int batch, float[] out) {
        packInto(rings, select, batch, out, 0);
    }

    @Override
    void packChecked(Rings rings, int[] select, int batch, FloatBuffer out) {
        float[] tmp = new float[batch * window * nFeatures];
        packInto(rings, select, batch, tmp, 0);
        out.put(out.position(), tmp);
    }

    private void packInto(Rings rings, int[] select, int batch, float[] out, int off) {
        int cap = rings.capacity();
        int nRings = rings.nRings();
        int[] heads = rings.heads();
        int[] counts = rings.counts();
        // Whole batch checked before anything is written, in the order the kernels check it.
        for (int b = 0; b < batch; b++) {
            int r = select[b];
            if (r < 0 || r >= nRings || heads[r] < 0 || heads[r] >= cap || counts[r] < 0 || counts[r] > cap) {
                throw Status.ringOutOfRange(b, r, nRings);
            }
            if (counts[r] < window) {
                throw Status.ringTooShort(b, r, counts[r], window);
            }
        }
        FloatBuffer data = rings.data();
        float[] center = scaling.centerRef();
        float[] scale = scaling.scaleRef();
        int o = off;
        for (int b = 0; b < batch; b++) {
            int r = select[b];
            int slot = (heads[r] - window + cap) % cap;
            for (int k = 0; k < window; k++) {
                int base = (r * cap + slot) * nFeatures;
                for (int f = 0; f < nFeatures; f++) {
                    float v = data.get(base + f);
                    if (Float.isNaN(v)) {
                        throw Status.nanInWindow(b, r, k, f);
                    }
                    out[o++] = (v - center[f]) / scale[f];
                }
                if (++slot == cap) {
                    slot = 0;
                }
            }
        }
    }

    @Override
    void release() {
    }
}

package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.internal.DwcpNets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A network on the C kernels of libdwcp_nets.so. The native net is immutable; each call borrows a direct
 * scratch buffer from a pool (one per concurrently running call, kept for reuse: the kernels work in
 * tiles, so scratch does not grow with the batch) and returns it. Thread-safe.
 */
final class NativeNet extends AbstractNet {
    private final long handle;
    private final long scratchFloats;
    private final ConcurrentLinkedQueue<FloatBuffer> scratch = new ConcurrentLinkedQueue<>();

    NativeNet(NetWeights weights) {
        super(weights);
        NativeNets.ensureAvailability();
        int[] dims = weights.dims();
        float[] params = weights.packedParams();
        long[] h = new long[1];
        int[] err = new int[2];
        int st = DwcpNets.dwcp_net_create(weights.kind().code, dims, dims.length, params, params.length, h, err);
        if (st != 0) {
            throw new IllegalArgumentException(weights.describe() + ": C kernel refused the weights: "
                    + switch (st) {
                        case -5 -> "expects " + err[0] + " parameters, got " + params.length;
                        case -2 -> "parameter " + err[1] + " is not finite";
                        case -3 -> "out of memory";
                        default -> "status " + st + " (argument " + err[0] + ")";
                    });
        }
        handle = h[0];
        int[] io = new int[4];
        DwcpNets.dwcp_net_io_sizes(handle, io);
        for (int i = 0; i < outputSizes.length; i++) {
            if (io[0] != inputSize || io[i + 1] != outputSizes[i]) {
                DwcpNets.dwcp_net_destroy(handle);
                throw new IllegalStateException(weights.describe() + ": C kernel sizes " + java.util.Arrays.toString(io)
                        + " disagree with Java's");
            }
        }
        scratchFloats = DwcpNets.dwcp_net_scratch_floats(handle);
    }

    @Override
    public Implementation implementation() {
        return Implementation.C;
    }

    @Override
    void run(float[] x, int batch, float[][] outs) {
        FloatBuffer s = scratch.poll();
        if (s == null) {
            s = ByteBuffer.allocateDirect((int) scratchFloats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        int[] err = new int[2];
        int st;
        try {
            st = DwcpNets.dwcp_net_forward(handle, x, batch, outs[0], outs.length > 1 ? outs[1] : null,
                    outs.length > 2 ? outs[2] : null, s, scratchFloats, err);
        } finally {
            scratch.offer(s);
        }
        check(st, err);
    }

    @Override
    void runDirect(FloatBuffer x, int batch, FloatBuffer[] outs) {
        FloatBuffer s = scratch.poll();
        if (s == null) {
            s = ByteBuffer.allocateDirect((int) scratchFloats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        int[] err = new int[2];
        int st;
        try {
            st = DwcpNets.dwcp_net_forward(handle, x, batch, outs[0], outs.length > 1 ? outs[1] : null,
                    outs.length > 2 ? outs[2] : null, s, scratchFloats, err);
        } finally {
            scratch.offer(s);
        }
        check(st, err);
    }

    private void check(int st, int[] err) {
        if (st == -2) {
            throw notFinite(err[0], err[1]);
        }
        if (st != 0) {
            throw new IllegalStateException(weights.describe() + ": C kernel failed with status " + st);
        }
    }

    @Override
    void release() {
        DwcpNets.dwcp_net_destroy(handle);
        scratch.clear();
    }
}

package io.dwcp.jni;

import io.dwcp.jni.internal.DwcpCpu;
import io.dwcp.jni.internal.DwcpCuda;
import java.nio.FloatBuffer;

/**
 * C or CUDA window packing. The rings' direct buffer crosses JNI without a copy; heads, counts, select
 * and the scaling are small arrays. Holds no native state (the CUDA library keeps its own device scratch,
 * guarded by a native mutex), so close only marks it closed.
 */
final class NativeWindowPacker extends AbstractWindowPacker {
    private final Implementation impl;

    NativeWindowPacker(int nFeatures, int window, Scaling scaling, Implementation impl) {
        super(nFeatures, window, scaling);
        if (impl == Implementation.JAVA) {
            throw new IllegalArgumentException("not a native implementation: " + impl);
        }
        Kernels.ensureAvailability(impl);
        this.impl = impl;
    }

    @Override
    public Implementation implementation() {
        return impl;
    }

    @Override
    void packChecked(Rings rings, int[] select, int batch, float[] out) {
        int[] err = new int[Status.ERR_LEN];
        int status = impl == Implementation.CUDA
                ? DwcpCuda.dwcp_cuda_pack_windows(rings.data(), rings.nRings(), rings.capacity(), nFeatures,
                        rings.heads(), rings.counts(), select, batch, window, scaling.centerRef(), scaling.scaleRef(),
                        out, err)
                : DwcpCpu.dwcp_pack_windows(rings.data(), rings.nRings(), rings.capacity(), nFeatures, rings.heads(),
                        rings.counts(), select, batch, window, scaling.centerRef(), scaling.scaleRef(), out, err);
        Status.checkPack(impl, status, err, select, rings.nRings(), window);
    }

    @Override
    void packChecked(Rings rings, int[] select, int batch, FloatBuffer out) {
        int[] err = new int[Status.ERR_LEN];
        int status = impl == Implementation.CUDA
                ? DwcpCuda.dwcp_cuda_pack_windows(rings.data(), rings.nRings(), rings.capacity(), nFeatures,
                        rings.heads(), rings.counts(), select, batch, window, scaling.centerRef(), scaling.scaleRef(),
                        out, err)
                : DwcpCpu.dwcp_pack_windows(rings.data(), rings.nRings(), rings.capacity(), nFeatures, rings.heads(),
                        rings.counts(), select, batch, window, scaling.centerRef(), scaling.scaleRef(), out, err);
        Status.checkPack(impl, status, err, select, rings.nRings(), window);
    }

    @Override
    void release() {
    }
}

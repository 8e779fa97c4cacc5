package io.dwcp.models.weights;

import io.dwcp.jni.nets.NetKind;
import java.util.Random;

/** Test and benchmark inputs for the networks (issue 16). Stateless. */
public final class NetInputs {
    private NetInputs() {}

    /** Scaled inputs as the serving wrappers produce them: per-feature levels N(0, 1) with small random walks. */
    public static float[] realistic(NetKind k, int[] in, int batch, Random r) {
        int per = 1;
        for (int s : in) per *= s;
        float[] x = new float[batch * per];
        for (int b = 0; b < batch; b++) {
            if (in.length == 1) {
                for (int i = 0; i < per; i++) x[b * per + i] = (float) (r.nextGaussian() * 1.5);
                continue;
            }
            int w = in[0], f = in[1];
            for (int j = 0; j < f; j++) {
                double v = r.nextGaussian() * (k == NetKind.DEGRADATION ? 0.7 : 1.2);
                double step = 0.02 + 0.1 * r.nextDouble();
                for (int t = 0; t < w; t++) {
                    v += step * r.nextGaussian();
                    x[b * per + t * f + j] = (float) v;
                }
            }
        }
        return x;
    }
}

package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Networks with random weights (sizes of the default models) and golden pairs from the Java reference. */
final class TestNets {
    private TestNets() {
    }

    static int[] defaultDims(NetKind k) {
        return switch (k) {
            case FORECASTER -> new int[] {32};
            case POLICY -> new int[] {6, 64, 5};
            case AUTOENCODER -> new int[] {30, 12, 32, 16, 16};
            case DEGRADATION -> new int[] {60, 5, 16, 1, 16, 32, 30, 3};
        };
    }

    static float[] randomInput(NetKind k, int[] dims, int batch, long seed) {
        int n = 1;
        for (int s : k.inputShape(dims)) {
            n *= s;
        }
        Random r = new Random(seed);
        float[] x = new float[batch * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Random weights; golden pairs (goldenRows rows) computed by the pure-Java reference. */
    static NetWeights random(NetKind k, int[] dims, long seed, int goldenRows) {
        Random r = new Random(seed);
        List<NetWeights.Tensor> ts = new ArrayList<>();
        for (NetKind.Param p : k.params(dims)) {
            float[] v = new float[p.size()];
            double lim = Math.sqrt(6.0 / (p.shape()[0] + p.shape()[p.shape().length - 1]));
            for (int i = 0; i < v.length; i++) {
                v[i] = p.name().equals("delta_scale") ? 0.01f + 0.05f * r.nextFloat() : (float) ((r.nextDouble() * 2 - 1) * lim);
            }
            ts.add(new NetWeights.Tensor(p.name(), p.shape(), v));
        }
        NetWeights plain = new NetWeights(k, "test-" + k.id(), dims, ts);
        if (goldenRows == 0) {
            return plain;
        }
        float[] x = randomInput(k, dims, goldenRows, seed + 1);
        ts.add(new NetWeights.Tensor(NetKind.GOLDEN + NetKind.INPUT, prepend(goldenRows, k.inputShape(dims)), x));
        try (Net ref = Nets.create(plain, Implementation.JAVA)) {
            int[][] os = k.outputShapes(dims);
            float[][] outs = new float[os.length][];
            for (int i = 0; i < os.length; i++) {
                outs[i] = new float[goldenRows * ref.outputSize(i)];
            }
            ref.forward(x, goldenRows, outs);
            for (int i = 0; i < os.length; i++) {
                ts.add(new NetWeights.Tensor(NetKind.GOLDEN + k.outputs().get(i), prepend(goldenRows, os[i]), outs[i]));
            }
        }
        return new NetWeights(k, "test-" + k.id(), dims, ts);
    }

    static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}

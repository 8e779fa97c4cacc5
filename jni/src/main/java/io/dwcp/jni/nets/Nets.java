package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Loads networks from weights files and refuses any that does not reproduce the file's golden outputs:
 * the choice is C (libdwcp_nets.so) when {@link NativeNets#isAvailable()}, else pure Java. Thread-safe.
 *
 * <pre>{@code
 * try (Net f = Nets.load(Path.of(".../bandwidth/weights.dwcpnet"))) {
 *     float[] y = new float[batch * 4];
 *     f.forward(x, batch, y);               // x [batch][10][6] scaled, as fed to the SavedModel
 * }
 * }</pre>
 */
public final class Nets {
    /**
     * Largest difference from a golden output a network may show and still be used: absolute for values
     * up to 1 in magnitude, relative above ({@link #scaledDiff}). The policy net's logits reach ~480, where
     * one float ulp is 3e-5, so a purely absolute 1e-4 would fail on summation order alone.
     */
    public static final double TOLERANCE = 1e-4;

    private Nets() {
    }

    /** The best available implementation for networks: C, else Java. */
    public static Implementation best() {
        return NativeNets.isAvailable() ? Implementation.C : Implementation.JAVA;
    }

    /** {@link #load(NetWeights, Implementation)} with the file read first. */
    public static Net load(Path weightsFile) throws IOException {
        return load(NetWeights.read(weightsFile), best());
    }

    public static Net load(NetWeights weights) {
        return load(weights, best());
    }

    /**
     * Builds the network on {@code impl} and checks it against the golden pairs in the file.
     *
     * @throws NetVerificationException naming the model when an output differs by more than {@link #TOLERANCE},
     *         or when the file carries no golden pairs
     * @throws UnsatisfiedLinkError when {@code impl} is C and the library is unavailable
     * @throws UnsupportedOperationException for CUDA (no CUDA kernels for these networks)
     */
    public static Net load(NetWeights weights, Implementation impl) {
        Objects.requireNonNull(weights, "weights");
        Net net = create(weights, impl);
        try {
            double diff = goldenMaxDiff(net);
            if (!(diff <= TOLERANCE)) {
                throw new NetVerificationException(weights.model(), weights.describe() + " refused on " + impl.id()
                        + ": golden outputs differ by up to " + diff + " (tolerance " + TOLERANCE + ")", diff);
            }
            return net;
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
    }

    /** Builds the network without the golden check (tests and benchmarks). */
    public static Net create(NetWeights weights, Implementation impl) {
        return switch (impl) {
            case C -> new NativeNet(weights);
            case JAVA -> new JavaNet(weights);
            case CUDA -> throw new UnsupportedOperationException("no CUDA kernels for the networks; use c or java");
        };
    }

    /**
     * Runs the golden inputs through {@code net} and returns the largest {@link #scaledDiff} over every
     * golden output present in the file.
     *
     * @throws NetVerificationException when the file has no golden pairs
     */
    public static double goldenMaxDiff(Net net) {
        NetWeights w = net.weights();
        int rows = w.goldenRows();
        if (rows == 0) {
            throw new NetVerificationException(w.model(), w.describe() + " refused: its weights file has no golden pairs", Double.NaN);
        }
        float[] x = w.tensor(NetKind.GOLDEN + NetKind.INPUT).values();
        var names = w.kind().outputs();
        float[][] outs = new float[names.size()][];
        for (int i = 0; i < outs.length; i++) {
            outs[i] = new float[rows * net.outputSize(i)];
        }
        net.forward(x, rows, outs);
        double max = 0;
        boolean any = false;
        for (int i = 0; i < outs.length; i++) {
            NetWeights.Tensor g = w.tensors().get(NetKind.GOLDEN + names.get(i));
            if (g == null) {
                continue;
            }
            any = true;
            if (g.values().length != outs[i].length) {
                throw new NetVerificationException(w.model(), w.describe() + ": golden " + names.get(i) + " holds "
                        + g.values().length + " values, the network gives " + outs[i].length, Double.NaN);
            }
            max = Math.max(max, scaledDiff(g.values(), outs[i]));
        }
        if (!any) {
            throw new NetVerificationException(w.model(), w.describe() + " refused: no golden outputs", Double.NaN);
        }
        return max;
    }

    /**
     * Largest {@code |want[i] - got[i]| / max(1, |want[i]|)}: the absolute difference for values up to 1 in
     * magnitude, the relative one above; NaN when either holds a NaN.
     */
    public static double scaledDiff(float[] want, float[] got) {
        double max = 0;
        for (int i = 0; i < Math.min(want.length, got.length); i++) {
            double d = Math.abs((double) want[i] - got[i]) / Math.max(1.0, Math.abs((double) want[i]));
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** Largest |a[i] - b[i]|; NaN when either holds a NaN (so a NaN never passes a check). */
    public static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}

package io.dwcp.jni.nets;

import io.dwcp.jni.Implementation;

/** A network in pure Java ({@link JavaNets}): always available, the slowest. Thread-safe. */
final class JavaNet extends AbstractNet {
    JavaNet(NetWeights weights) {
        super(weights);
    }

    @Override
    public Implementation implementation() {
        return Implementation.JAVA;
    }

    @Override
    void run(float[] x, int batch, float[][] outs) {
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < inputSize; i++) {
                if (!Float.isFinite(x[r * inputSize + i])) {
                    throw notFinite(r, i);
                }
            }
        }
        for (int r = 0; r < batch; r++) {
            JavaNets.forward(weights, x, r * inputSize, outs, r);
        }
    }
}

package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compression selector on the native kernels decides what it decides on TensorFlow (same weights). */
class NativeCompressionSelectorTest {
    @Test
    void sameProbabilitiesAndChoicesAsTensorFlow() throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("compression");
        Random r = new Random(5);
        float[][] ctx = new float[200][];
        for (int i = 0; i < ctx.length; i++) {
            ctx[i] = new float[] {(float) Math.pow(10, -1 + 6 * r.nextDouble()), (float) (500 * r.nextDouble()),
                r.nextInt(4), (float) Math.pow(2, 30 * r.nextDouble()), (float) (8 * r.nextDouble()), (float) r.nextDouble()};
        }
        try (CompressionSelector tf = new CompressionSelector(a); CompressionSelector nat = CompressionSelector.onNativeKernels(a)) {
            float[] p = tf.probabilities(ctx);
            float[] q = nat.probabilities(ctx);
            for (int i = 0; i < p.length; i++) {
                assertEquals(p[i], q[i], 1e-4, "probability " + i);
            }
            CompressionSelector.Choice[] x = tf.select(ctx);
            CompressionSelector.Choice[] y = nat.select(ctx);
            int same = 0;
            for (int i = 0; i < x.length; i++) {
                same += x[i].codec() == y[i].codec() ? 1 : 0;
            }
            // Equal up to float rounding: a context exactly at a decision boundary may tip either way.
            assertEquals(x.length, same, 1.0, "choices that differ");
        }
    }
}

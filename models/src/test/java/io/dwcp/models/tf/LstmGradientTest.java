package io.dwcp.models.tf;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Finite-difference check of the unrolled LSTM + attention graph's symbolic gradients on a tiny case. */
class LstmGradientTest {
    @Test
    void symbolicGradientsMatchFiniteDifferences() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            GraphParams p = new GraphParams(tf, 3);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3, 2)));
            List<Operand<TFloat32>> hs = Layers.lstm(tf, p, "l", Layers.steps(tf, x, 3), 2, 2);
            Layers.Attention att = Layers.attention(tf, p, "a", hs, 2, 2);
            Operand<TFloat32> y = Layers.dense(tf, p, "d", att.context(), 2, 1, "linear");
            Operand<TFloat32> loss = tf.math.mean(tf.math.square(y), tf.constant(new int[] {0, 1}));
            List<Variable<TFloat32>> vars = p.variables();
            var grads = tf.gradients(loss, vars);
            p.prepareRestore();
            float[] xin = {0.5f, -1f, 0.3f, 0.8f, -0.2f, 0.1f, 1f, 0.4f, -0.7f, 0.2f, 0.9f, -0.5f};
            try (Session s = new Session(g); var xt = Tensors.of(xin, 2, 3, 2)) {
                s.initialize();
                Map<String, float[]> base = p.snapshot(s);
                int checked = 0;
                int vi = 0;
                for (String name : base.keySet()) {
                    float[] analytic;
                    try (var r = s.runner().feed(x, xt).fetch(grads.dy(vi)).run()) {
                        analytic = Tensors.toArray(r.get(0));
                    }
                    for (int k = 0; k < Math.min(2, analytic.length); k++) {
                        double eps = 1e-2;
                        double up = lossWith(s, p, base, name, k, eps, x, xt, loss);
                        double dn = lossWith(s, p, base, name, k, -eps, x, xt, loss);
                        double numeric = (up - dn) / (2 * eps);
                        assertEquals(numeric, analytic[k], 2e-3 + 2e-2 * Math.abs(numeric), name + "[" + k + "]");
                        checked++;
                    }
                    vi++;
                }
                assertTrue(checked >= 20, "checked " + checked);
            }
        }
    }

    private static double lossWith(Session s, GraphParams p, Map<String, float[]> base, String name, int k, double d,
                                   Placeholder<TFloat32> x, TFloat32 xt, Operand<TFloat32> loss) {
        Map<String, float[]> m = new java.util.LinkedHashMap<>(base);
        float[] v = base.get(name).clone();
        v[k] += (float) d;
        m.put(name, v);
        p.restore(s, m);
        try (var r = s.runner().feed(x, xt).fetch(loss).run()) {
            return Tensors.toArray(r.get(0))[0];
        } finally {
            p.restore(s, base);
        }
    }
}

package io.dwcp.models.tf;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic Adam built from raw {@code ApplyAdam} ops. tensorflow-framework 1.0.0's Adam updates its
 * beta-power variables without waiting for the ApplyAdam ops, so same-seed runs diverge; here the
 * bias-correction powers and the learning rate are fed from Java each step, and every ApplyAdam waits
 * (control dependency) for <em>all</em> gradients, so no update can race a gradient that still reads the
 * old value of another variable. Not thread-safe (one per training loop).
 */
public final class Adam {
    public static final float BETA1 = 0.9f, BETA2 = 0.999f, EPS = 1e-7f;

    private final Placeholder<TFloat32> lr, b1p, b2p;
    private final List<Op> updates = new ArrayList<>();
    private long t;

    public Adam(Ops tf, List<Variable<TFloat32>> vars, Operand<TFloat32> loss) {
        lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        b1p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        b2p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        Gradients g = tf.gradients(loss, vars);
        List<Operand<TFloat32>> grads = new ArrayList<>();
        List<Op> deps = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Output<TFloat32> dy = (Output) g.dy(i);
            var id = tf.identity(dy);
            grads.add(id);
            deps.add(id);
        }
        Ops after = tf.withControlDependencies(deps);
        Operand<TFloat32> beta1 = tf.constant(BETA1), beta2 = tf.constant(BETA2), eps = tf.constant(EPS);
        for (int i = 0; i < vars.size(); i++) {
            Variable<TFloat32> v = vars.get(i);
            Shape s = v.shape();
            Variable<TFloat32> m = tf.variable(tf.zeros(tf.constant(s), TFloat32.class));
            Variable<TFloat32> u = tf.variable(tf.zeros(tf.constant(s), TFloat32.class));
            updates.add(after.train.applyAdam(v, m, u, b1p, b2p, lr, beta1, beta2, eps, grads.get(i)));
        }
    }

    /** Adds one Adam step at learning rate {@code rate} to {@code runner} (feeds + targets); the caller runs it. */
    public List<AutoCloseable> addStep(Session.Runner runner, float rate) {
        t++;
        var a = Tensors.of(new float[] {rate});
        var b = Tensors.of(new float[] {(float) Math.pow(BETA1, t)});
        var c = Tensors.of(new float[] {(float) Math.pow(BETA2, t)});
        runner.feed(lr, scalar(a)).feed(b1p, scalar(b)).feed(b2p, scalar(c));
        for (Op u : updates) runner.addTarget(u);
        return List.of(a, b, c);
    }

    private static org.tensorflow.Tensor scalar(TFloat32 t) {
        return t;
    }
}

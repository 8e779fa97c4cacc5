package io.dwcp.models.tf;

import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trainable variables of one graph, created by name in a fixed order. Initial values come from a
 * seeded {@link Random} (Glorot-uniform weights, constant biases) or, when rebuilding a trained network
 * for export, from a snapshot. Not thread-safe: used by one graph builder and one training loop.
 */
public final class GraphParams {
    private final Ops tf;
    private final Random rnd;
    private final Map<String, float[]> fixed;
    private final Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> assignIn = new LinkedHashMap<>();
    private final List<Op> assigns = new ArrayList<>();

    /** Fresh parameters initialised from {@code seed}. */
    public GraphParams(Ops tf, long seed) {
        this(tf, seed, null);
    }

    /** Parameters initialised from {@code snapshot} (names must match); {@code seed} is then unused. */
    public GraphParams(Ops tf, long seed, Map<String, float[]> snapshot) {
        this.tf = tf;
        this.rnd = new Random(seed);
        this.fixed = snapshot;
    }

    /** A weight matrix/tensor, Glorot-uniform over its first and last dimension. */
    public Operand<TFloat32> weight(String name, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] init = new float[(int) n];
        double limit = Math.sqrt(6.0 / (shape[0] + shape[shape.length - 1]));
        for (int i = 0; i < init.length; i++) init[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        return create(name, shape, init);
    }

    /** A bias vector filled with {@code value}. */
    public Operand<TFloat32> bias(String name, long n, float value) {
        float[] init = new float[(int) n];
        java.util.Arrays.fill(init, value);
        return create(name, new long[] {n}, init);
    }

    private Operand<TFloat32> create(String name, long[] shape, float[] init) {
        if (vars.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        float[] v = init;
        if (fixed != null) {
            v = fixed.get(name);
            if (v == null || v.length != init.length) {
                throw new IllegalArgumentException("snapshot lacks parameter " + name + " of " + init.length + " values");
            }
        }
        Variable<TFloat32> var = tf.withName(name).variable(tf.constant(Shape.of(shape),
                org.tensorflow.ndarray.buffer.DataBuffers.of(v, true, false)));
        vars.put(name, var);
        shapes.put(name, shape);
        return var;
    }

    public List<Variable<TFloat32>> variables() {
        return new ArrayList<>(vars.values());
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    public long count() {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long d : s) k *= d;
            n += k;
        }
        return n;
    }

    /** Creates the assign ops used by {@link #restore}; call once after the graph is built. */
    public void prepareRestore() {
        for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
            Placeholder<TFloat32> p = tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(shapes.get(e.getKey()))));
            assignIn.put(e.getKey(), p);
            assigns.add(tf.assign(e.getValue(), p));
        }
    }

    /** Current values by name. */
    public Map<String, float[]> snapshot(Session s) {
        Session.Runner r = s.runner();
        for (Variable<TFloat32> v : vars.values()) r.fetch(v);
        Map<String, float[]> out = new LinkedHashMap<>();
        try (var res = r.run()) {
            int i = 0;
            for (String name : vars.keySet()) out.put(name, Tensors.toArray(res.get(i++)));
        }
        return out;
    }

    public void restore(Session s, Map<String, float[]> snap) {
        Session.Runner r = s.runner();
        List<Tensor> tensors = new ArrayList<>();
        try {
            for (Map.Entry<String, Placeholder<TFloat32>> e : assignIn.entrySet()) {
                Tensor t = Tensors.of(snap.get(e.getKey()), shapes.get(e.getKey()));
                tensors.add(t);
                r.feed(e.getValue(), t);
            }
            for (Op a : assigns) r.addTarget(a);
            r.run().close();
        } finally {
            tensors.forEach(Tensor::close);
        }
    }
}

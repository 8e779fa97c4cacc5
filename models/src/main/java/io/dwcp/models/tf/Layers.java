package io.dwcp.models.tf;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;

/**
 * Graph builders made only of ops that have C++ gradients (MatMul, Add, Mul, Sigmoid, Tanh, Exp, Div):
 * TensorFlow's C++ gradient registry has none for {@code BlockLSTM}, so the LSTM is unrolled here
 * (issue 3). Stateless; every method adds ops to the given {@link Ops} scope.
 */
public final class Layers {
    private Layers() {}

    /** {@code x·W + b} with optional tanh/relu/sigmoid activation ("linear", "tanh", "relu", "sigmoid"). */
    public static Operand<TFloat32> dense(Ops tf, GraphParams p, String name, Operand<TFloat32> x, long in, long out,
                                          String activation) {
        Operand<TFloat32> w = p.weight(name + "_w", in, out);
        Operand<TFloat32> b = p.bias(name + "_b", out, 0f);
        Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(x, w), b);
        return switch (activation) {
            case "linear" -> y;
            case "tanh" -> tf.math.tanh(y);
            case "relu" -> tf.nn.relu(y);
            case "sigmoid" -> tf.math.sigmoid(y);
            default -> throw new IllegalArgumentException("unknown activation " + activation);
        };
    }

    /** Splits [batch, steps, features] into {@code steps} tensors of [batch, features]. */
    public static List<Operand<TFloat32>> steps(Ops tf, Operand<TFloat32> x, int steps) {
        return new ArrayList<>(tf.unstack(x, (long) steps, Unstack.axis(1L)).output());
    }

    /**
     * An LSTM layer unrolled over {@code xs}; returns the hidden state after every step. Gates i, f, g, o
     * each have their own input and recurrent matrices; the forget-gate bias starts at 1.
     */
    public static List<Operand<TFloat32>> lstm(Ops tf, GraphParams p, String name, List<Operand<TFloat32>> xs, long in,
                                               long hidden) {
        String[] g = {"i", "f", "g", "o"};
        Operand<TFloat32>[] wx = arr(4), wh = arr(4), b = arr(4);
        for (int k = 0; k < 4; k++) {
            wx[k] = p.weight(name + "_wx" + g[k], in, hidden);
            wh[k] = p.weight(name + "_wh" + g[k], hidden, hidden);
            b[k] = p.bias(name + "_b" + g[k], hidden, k == 1 ? 1f : 0f);
        }
        List<Operand<TFloat32>> hs = new ArrayList<>();
        Operand<TFloat32> h = null, c = null;
        for (Operand<TFloat32> x : xs) {
            Operand<TFloat32>[] z = arr(4);
            for (int k = 0; k < 4; k++) {
                Operand<TFloat32> zk = tf.math.add(tf.linalg.matMul(x, wx[k]), b[k]);
                if (h != null) zk = tf.math.add(zk, tf.linalg.matMul(h, wh[k]));
                z[k] = zk;
            }
            Operand<TFloat32> i = tf.math.sigmoid(z[0]);
            Operand<TFloat32> f = tf.math.sigmoid(z[1]);
            Operand<TFloat32> gg = tf.math.tanh(z[2]);
            Operand<TFloat32> o = tf.math.sigmoid(z[3]);
            c = c == null ? tf.math.mul(i, gg) : tf.math.add(tf.math.mul(f, c), tf.math.mul(i, gg));
            h = tf.math.mul(o, tf.math.tanh(c));
            hs.add(h);
        }
        return hs;
    }

    /** Result of {@link #attention}: the context vector and the per-step weights [batch, 1] each. */
    public record Attention(Operand<TFloat32> context, List<Operand<TFloat32>> weights) {}

    /**
     * Additive temporal attention: {@code e_t = v·tanh(W h_t + b)}, {@code α = softmax_t(e)} (built from
     * Exp and Div so it has gradients; {@code |e_t| <= |v|_1} keeps Exp finite), context {@code Σ α_t h_t}.
     */
    public static Attention attention(Ops tf, GraphParams p, String name, List<Operand<TFloat32>> hs, long hidden,
                                      long units) {
        Operand<TFloat32> w = p.weight(name + "_w", hidden, units);
        Operand<TFloat32> b = p.bias(name + "_b", units, 0f);
        Operand<TFloat32> v = p.weight(name + "_v", units, 1);
        List<Operand<TFloat32>> ex = new ArrayList<>();
        Operand<TFloat32> sum = null;
        for (Operand<TFloat32> h : hs) {
            Operand<TFloat32> e = tf.linalg.matMul(tf.math.tanh(tf.math.add(tf.linalg.matMul(h, w), b)), v);
            Operand<TFloat32> x = tf.math.exp(e);
            ex.add(x);
            sum = sum == null ? x : tf.math.add(sum, x);
        }
        List<Operand<TFloat32>> alphas = new ArrayList<>();
        Operand<TFloat32> ctx = null;
        for (int t = 0; t < hs.size(); t++) {
            Operand<TFloat32> a = tf.math.div(ex.get(t), sum);
            alphas.add(a);
            Operand<TFloat32> term = tf.math.mul(a, hs.get(t));
            ctx = ctx == null ? term : tf.math.add(ctx, term);
        }
        return new Attention(ctx, alphas);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32>[] arr(int n) {
        return (Operand<TFloat32>[]) new Operand[n];
    }
}

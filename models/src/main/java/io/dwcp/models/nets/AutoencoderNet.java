package io.dwcp.models.nets;

import io.dwcp.models.tf.Layers;
import io.dwcp.models.tf.GraphParams;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LSTM autoencoder with temporal attention for consensus latency (and its univariate mode). Encoder: an
 * unrolled LSTM over the window; additive attention over its hidden states gives a context vector;
 * dense(tanh) bottleneck. Decoder: the bottleneck repeated at every step into an unrolled LSTM, then a
 * shared dense layer per step. Outputs {@code recon} [batch, window, features] (scaled space) and
 * {@code attention} [batch, window] (the weights the encoder put on each step). Stateless.
 */
public final class AutoencoderNet {
    private AutoencoderNet() {}

    /** Sizes of one autoencoder. */
    public record Shape(int window, int features, int hidden, int bottleneck, int attention) {}

    /** Key prefix of the per-step reconstructions returned by {@link #forward} with {@code perStep}. */
    public static final String STEP = "recon_step_";

    /** Export form: {@code recon} and {@code attention} only. */
    public static Map<String, Operand<TFloat32>> forward(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in, Shape s) {
        return forward(tf, p, in, s, false);
    }

    /**
     * With {@code perStep}, also returns each step's reconstruction [batch, features] under
     * {@code recon_step_<t>}, for the training loss: a loss taken through the Stack op gets gradients whose
     * float summation order changes from one graph build to the next (measured: same seed, different
     * weights), while per-step losses give bit-identical gradients.
     */
    public static Map<String, Operand<TFloat32>> forward(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in, Shape s,
                                                         boolean perStep) {
        List<Operand<TFloat32>> xs = Layers.steps(tf, in.get("x"), s.window());
        List<Operand<TFloat32>> enc = Layers.lstm(tf, p, "enc", xs, s.features(), s.hidden());
        Layers.Attention att = Layers.attention(tf, p, "att", enc, s.hidden(), s.attention());
        Operand<TFloat32> z = Layers.dense(tf, p, "bottleneck", att.context(), s.hidden(), s.bottleneck(), "tanh");
        List<Operand<TFloat32>> rep = new ArrayList<>();
        for (int t = 0; t < s.window(); t++) rep.add(z);
        List<Operand<TFloat32>> dec = Layers.lstm(tf, p, "dec", rep, s.bottleneck(), s.hidden());
        Operand<TFloat32> w = p.weight("out_w", s.hidden(), s.features());
        Operand<TFloat32> b = p.bias("out_b", s.features(), 0f);
        List<Operand<TFloat32>> outs = new ArrayList<>();
        for (Operand<TFloat32> h : dec) outs.add(tf.math.add(tf.linalg.matMul(h, w), b));
        Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
        out.put("recon", tf.stack(outs, Stack.axis(1L)));
        out.put("attention", tf.concat(att.weights(), tf.constant(1)));
        if (perStep) {
            for (int t = 0; t < outs.size(); t++) out.put(STEP + t, outs.get(t));
        }
        return out;
    }
}

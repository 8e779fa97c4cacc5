package io.dwcp.models.nets;

import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.tf.Layers;
import io.dwcp.models.tf.GraphParams;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Degradation forecaster: input {@code x} [batch, 60, 5] in SLO-headroom coordinates
 * ({@link DegradationFeatures}). {@code layers} bidirectional LSTM layers (each direction an unrolled
 * {@link Layers#lstm}, the backward one run over the reversed steps and re-reversed), additive temporal
 * attention over the top layer's states, then one shared dense layer over
 * {@code [context, forward state at the last step, x_last]} feeding two heads:
 * <ul>
 * <li>{@code y} [batch, horizon, 3]: latency, throughput and error headroom at every future step, as
 *     {@code x_last + Δ} (starting from "no change" is what a small network needs to beat persistence);</li>
 * <li>{@code prob} [batch, 1]: sigmoid probability that the SLO is breached within the horizon
 *     ({@code logit} is kept for the training loss).</li>
 * </ul>
 * {@code attention} [batch, 60] is an output so operators can see which steps drove the forecast. Stateless.
 */
public final class DegradationNet {
    private DegradationNet() {}

    public static final int WINDOW = 60, FEATURES = DegradationFeatures.FEATURES, TARGETS = DegradationFeatures.TARGETS;

    /** Sizes: LSTM units per direction, BiLSTM layers, attention units, shared dense width, horizon. */
    public record Shape(int hidden, int layers, int attention, int dense, int horizon) {}

    /** Training form: {@code y}, {@code logit}, {@code prob}, {@code attention}. */
    public static Map<String, Operand<TFloat32>> forward(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in, Shape s) {
        Operand<TFloat32> x = in.get("x");
        List<Operand<TFloat32>> seq = Layers.steps(tf, x, WINDOW);
        Operand<TFloat32> xLast = seq.get(WINDOW - 1);
        long width = FEATURES;
        List<Operand<TFloat32>> fwTop = null;
        for (int l = 0; l < s.layers(); l++) {
            List<Operand<TFloat32>> fw = Layers.lstm(tf, p, "l" + l + "_fw", seq, width, s.hidden());
            List<Operand<TFloat32>> rev = new ArrayList<>(seq);
            Collections.reverse(rev);
            List<Operand<TFloat32>> bw = new ArrayList<>(Layers.lstm(tf, p, "l" + l + "_bw", rev, width, s.hidden()));
            Collections.reverse(bw);
            List<Operand<TFloat32>> next = new ArrayList<>(WINDOW);
            for (int t = 0; t < WINDOW; t++) next.add(tf.concat(List.of(fw.get(t), bw.get(t)), tf.constant(1)));
            seq = next;
            width = 2L * s.hidden();
            fwTop = fw;
        }
        Layers.Attention att = Layers.attention(tf, p, "att", seq, width, s.attention());
        Operand<TFloat32> z = tf.concat(List.of(att.context(), fwTop.get(WINDOW - 1), xLast), tf.constant(1));
        long zw = width + s.hidden() + FEATURES;
        Operand<TFloat32> mid = Layers.dense(tf, p, "d1", z, zw, s.dense(), "tanh");
        Operand<TFloat32> delta = Layers.dense(tf, p, "reg", mid, s.dense(), (long) s.horizon() * TARGETS, "linear");
        Operand<TFloat32> last3 = tf.slice(xLast, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, TARGETS}));
        Operand<TFloat32> y = tf.math.add(tf.reshape(last3, tf.constant(new int[] {-1, 1, TARGETS})),
                tf.reshape(delta, tf.constant(new int[] {-1, s.horizon(), TARGETS})));
        Operand<TFloat32> logit = Layers.dense(tf, p, "cls", mid, s.dense(), 1, "linear");
        Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
        out.put("y", y);
        out.put("logit", logit);
        out.put("prob", tf.math.sigmoid(logit));
        out.put("attention", tf.concat(att.weights(), tf.constant(1)));
        return out;
    }

    /** Export form: {@code y}, {@code prob} and {@code attention}. */
    public static Map<String, Operand<TFloat32>> serving(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in, Shape s) {
        Map<String, Operand<TFloat32>> all = forward(tf, p, in, s);
        Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
        out.put("y", all.get("y"));
        out.put("prob", all.get("prob"));
        out.put("attention", all.get("attention"));
        return out;
    }
}

package io.dwcp.models.nets;

import io.dwcp.models.tf.Layers;
import io.dwcp.models.tf.GraphParams;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bandwidth forecaster: input {@code x} [batch, 10, 6] (scaled). Each step is augmented in-graph with
 * its difference to the last step on the four target features, divided by {@code deltaScale} (the
 * training-set spread of one-step changes), because after scaling a mixture of 10 Gbit/s DC links and
 * 2 Mbit/s 3G traces the within-window changes are too small for the LSTM to see. One unrolled LSTM layer
 * and a dense head predict the change, so {@code y = x[:, 9, 0:4] + deltaScale * head(h_10)}
 * [batch, 4] (scaled bandwidth, latency, loss, jitter): starting from "next = last" is what lets a small
 * network beat the last-value baseline. Stateless.
 */
public final class ForecasterNet {
    private ForecasterNet() {}

    /**
     * Steps per window: 10 (the design's, and every shipped artifact's). {@code -Ddwcp.forecast.window} changes it for
     * training experiments only (issue 14, models/README.md): a JVM started with another value cannot serve the
     * shipped artifact (its windows are refused as the wrong length).
     */
    public static final int WINDOW = Integer.getInteger("dwcp.forecast.window", 10);
    public static final int FEATURES = 6, TARGETS = 4;

    public static Map<String, Operand<TFloat32>> forward(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in,
                                                         int hidden, float[] deltaScale) {
        Operand<TFloat32> x = in.get("x");
        List<Operand<TFloat32>> steps = Layers.steps(tf, x, WINDOW);
        Operand<TFloat32> ds = tf.constant(deltaScale);
        Operand<TFloat32> last = first4(tf, steps.get(WINDOW - 1));
        List<Operand<TFloat32>> aug = new ArrayList<>();
        for (Operand<TFloat32> s : steps) {
            Operand<TFloat32> d = tf.math.div(tf.math.sub(first4(tf, s), last), ds);
            aug.add(tf.concat(List.of(s, d), tf.constant(1)));
        }
        List<Operand<TFloat32>> hs = Layers.lstm(tf, p, "lstm", aug, FEATURES + TARGETS, hidden);
        Operand<TFloat32> h = hs.get(hs.size() - 1);
        Operand<TFloat32> mid = Layers.dense(tf, p, "d1", h, hidden, hidden, "tanh");
        Operand<TFloat32> delta = Layers.dense(tf, p, "d2", mid, hidden, TARGETS, "linear");
        return Map.of("y", tf.math.add(last, tf.math.mul(delta, ds)));
    }

    private static Operand<TFloat32> first4(Ops tf, Operand<TFloat32> step) {
        return tf.slice(step, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, TARGETS}));
    }
}

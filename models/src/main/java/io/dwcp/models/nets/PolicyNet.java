package io.dwcp.models.nets;

import io.dwcp.models.tf.Layers;
import io.dwcp.models.tf.GraphParams;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compression policy network: {@code x} [batch, 6] (scaled transfer context) → dense(h, relu) →
 * dense(h, relu) → dense(5) logits, and their softmax {@code probs} over the {@code Codec} choices.
 * Stateless.
 */
public final class PolicyNet {
    private PolicyNet() {}

    public static final int FEATURES = 6, CLASSES = 5;

    public static Map<String, Operand<TFloat32>> forward(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> in, int hidden) {
        Operand<TFloat32> h1 = Layers.dense(tf, p, "d1", in.get("x"), FEATURES, hidden, "relu");
        Operand<TFloat32> h2 = Layers.dense(tf, p, "d2", h1, hidden, hidden, "relu");
        Operand<TFloat32> logits = Layers.dense(tf, p, "d3", h2, hidden, CLASSES, "linear");
        Map<String, Operand<TFloat32>> out = new LinkedHashMap<>();
        out.put("logits", logits);
        out.put("probs", tf.nn.softmax(logits));
        return out;
    }
}

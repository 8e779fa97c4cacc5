package io.dwcp.models.tf;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exports a trained network as a SavedModel: the forward graph is rebuilt in a fresh graph with its
 * variables initialised from the trained snapshot (no optimizer state, no training placeholders), under
 * the {@code serving_default} signature with the given input and output names. Thread-safe.
 */
public final class SavedModels {
    private SavedModels() {}

    public static final String SIGNATURE = Signature.DEFAULT_KEY;

    /** Builds the forward outputs from named inputs; called once on the export graph. */
    @FunctionalInterface
    public interface Forward {
        Map<String, Operand<TFloat32>> build(Ops tf, GraphParams p, Map<String, Operand<TFloat32>> inputs);
    }

    /** Exports to {@code dir} (which must not exist yet). {@code inputs}: name → per-sample shape. */
    public static void export(Path dir, Forward forward, Map<String, float[]> weights,
                              Map<String, long[]> inputs) throws IOException {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            GraphParams p = new GraphParams(tf, 0, weights);
            Map<String, Operand<TFloat32>> in = new LinkedHashMap<>();
            Signature.Builder sig = Signature.builder().key(SIGNATURE);
            for (Map.Entry<String, long[]> e : inputs.entrySet()) {
                long[] shape = new long[e.getValue().length + 1];
                shape[0] = -1;
                System.arraycopy(e.getValue(), 0, shape, 1, e.getValue().length);
                Placeholder<TFloat32> ph = tf.withName(e.getKey()).placeholder(TFloat32.class,
                        Placeholder.shape(Shape.of(shape)));
                in.put(e.getKey(), ph);
                sig.input(e.getKey(), ph);
            }
            Map<String, Operand<TFloat32>> out = forward.build(tf, p, in);
            for (Map.Entry<String, Operand<TFloat32>> e : out.entrySet()) {
                sig.output(e.getKey(), tf.withName(e.getKey()).identity(e.getValue()));
            }
            try (Session s = new Session(g)) {
                s.initialize();
                SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig.build()).export();
            }
        }
    }
}

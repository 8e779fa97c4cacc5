package io.dwcp.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/**
 * Writes the shipped forecaster's weights, scaler and a set of inputs with TensorFlow's own outputs to JSON,
 * so the PyTorch peer (src/jmh/python/torch_forecaster.py) runs the same architecture with the same weights
 * and first proves it computes the same numbers. Usage: {@code ExportForecaster OUT.json}.
 */
public final class ExportForecaster {
    static final String[] GATES = {"i", "f", "g", "o"};

    public static void main(String[] args) throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault("bandwidth");
        ObjectMapper m = new ObjectMapper();
        ObjectNode out = m.createObjectNode();
        ObjectNode w = out.putObject("weights");
        try (SavedModelBundle b = SavedModelBundle.load(a.modelPath().toString(), SavedModelBundle.DEFAULT_TAG)) {
            java.util.List<String> names = new java.util.ArrayList<>();
            for (String g : GATES) {
                names.add("lstm_wx" + g);
                names.add("lstm_wh" + g);
                names.add("lstm_b" + g);
            }
            names.addAll(List.of("d1_w", "d1_b", "d2_w", "d2_b"));
            for (String n : names) {
                try (Tensor t = b.session().runner().fetch(n).run().get(0)) {
                    TFloat32 f = (TFloat32) t;
                    ArrayNode arr = w.putArray(n);
                    long[] shape = f.shape().asArray();
                    ObjectNode meta = out.with("shapes");
                    ArrayNode sh = meta.putArray(n);
                    for (long s : shape) {
                        sh.add(s);
                    }
                    f.scalars().forEach(x -> arr.add(x.getFloat()));
                }
            }
        }
        Scaler sc = a.metadata().scaler();
        ObjectNode s = out.putObject("scaler");
        s.put("kind", sc.kind().name());
        ArrayNode lg = s.putArray("log1p");
        for (boolean v : sc.log1p()) {
            lg.add(v);
        }
        ArrayNode c = s.putArray("center");
        for (double v : sc.center()) {
            c.add(v);
        }
        ArrayNode sd = s.putArray("scale");
        for (double v : sc.scale()) {
            sd.add(v);
        }
        ArrayNode ds = out.putArray("delta_scale");
        for (Object v : (List<?>) a.metadata().params().get("delta_scale")) {
            ds.add(((Number) v).doubleValue());
        }
        // Inputs and TensorFlow's answers for the equality check.
        SplittableRandom r = new SplittableRandom(11);
        float[][][] x = new float[16][10][];
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < 10; t++) {
                x[i][t] = new float[] {(float) (100 + 900 * r.nextDouble()), (float) (1 + 80 * r.nextDouble()),
                    (float) (0.002 * r.nextDouble()), (float) (5 * r.nextDouble()), (float) (24 * r.nextDouble()), r.nextInt(7)};
            }
        }
        float[][] y;
        try (BandwidthForecaster f = new BandwidthForecaster(a)) {
            y = f.predict(x);
        }
        out.set("inputs", m.valueToTree(x));
        out.set("outputs", m.valueToTree(y));
        m.writeValue(Path.of(args[0]).toFile(), out);
        System.out.println("wrote " + args[0]);
    }
}

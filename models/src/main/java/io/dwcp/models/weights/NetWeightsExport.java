package io.dwcp.models.weights;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetKind;
import io.dwcp.jni.nets.NetVerificationException;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.serving.TfModel;
import io.dwcp.models.tf.Tensors;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Converts a model artifact folder (metadata.json + saved_model/) into its network's weights file: the
 * trained variables read from the SavedModel by name, the sizes they imply, and golden pairs — realistic
 * scaled inputs (the metadata's smoke-test windows where they are model inputs, plus seeded random walks)
 * with the SavedModel's own outputs. The result is checked before it is written: the pure-Java network
 * (and the C one where it loads) must reproduce the golden outputs within {@link Nets#TOLERANCE}.
 * Thread-safe (no shared state).
 */
public final class NetWeightsExport {
    private NetWeightsExport() {}

    /** Synthetic golden rows added to the smoke-test ones. */
    static final int SYNTHETIC_ROWS = 16;
    static final long GOLDEN_SEED = 16;

    /** Which network a model name is, or null for models that are not networks (reliability: a forest). */
    public static NetKind kindOf(String model) {
        return switch (model) {
            case "bandwidth" -> NetKind.FORECASTER;
            case "compression" -> NetKind.POLICY;
            case "latency", "latency_univariate" -> NetKind.AUTOENCODER;
            case "degradation" -> NetKind.DEGRADATION;
            default -> null;
        };
    }

    /** Result of one conversion: the file and the worst golden difference per implementation checked. */
    public record Exported(Path file, NetWeights weights, long bytes, Map<Implementation, Double> goldenMaxDiff) {}

    /**
     * Writes {@code dir/weights.dwcpnet} and returns what was written, or null when the artifact is not a
     * network (reliability).
     *
     * @throws NetVerificationException when a Java or C network does not reproduce TensorFlow's outputs
     */
    public static Exported export(Path dir) throws IOException {
        NetWeights w = fromArtifact(dir);
        if (w == null) return null;
        Map<Implementation, Double> diffs = verify(w);
        Path f = dir.resolve(NetWeights.FILE_NAME);
        w.write(f);
        return new Exported(f, w, Files.size(f), diffs);
    }

    /** Checks the Java network, and the C one where it loads, against the golden pairs; throws when one fails. */
    public static Map<Implementation, Double> verify(NetWeights w) {
        Map<Implementation, Double> diffs = new LinkedHashMap<>();
        List<Implementation> impls = new ArrayList<>(List.of(Implementation.JAVA));
        if (io.dwcp.jni.nets.NativeNets.isAvailable()) impls.add(Implementation.C);
        for (Implementation impl : impls) {
            try (Net n = Nets.load(w, impl)) {
                diffs.put(impl, Nets.goldenMaxDiff(n));
            }
        }
        return diffs;
    }

    /** Reads the artifact in {@code dir} into weights with golden pairs; null when it is not a network. */
    public static NetWeights fromArtifact(Path dir) throws IOException {
        ModelMetadata md = ModelMetadata.read(dir.resolve(ModelMetadata.FILE));
        NetKind kind = kindOf(md.name());
        if (kind == null) return null;
        Path sm = dir.resolve(md.modelFile() == null ? "saved_model" : md.modelFile());
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        try (SavedModelBundle b = SavedModelBundle.load(sm.toString(), SavedModelBundle.DEFAULT_TAG)) {
            for (Iterator<GraphOperation> it = b.graph().operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                if (op.type().startsWith("Variable")) {
                    long[] s = op.output(0).shape().asArray();
                    int[] si = new int[s.length];
                    for (int i = 0; i < s.length; i++) si[i] = Math.toIntExact(s[i]);
                    shapes.put(op.name(), si);
                }
            }
            int[] dims = kind.dimsFrom(shapes, md.window());
            for (NetKind.Param p : kind.params(dims)) {
                if (p.name().equals("delta_scale")) continue;
                if (!shapes.containsKey(p.name())) {
                    throw new IOException(sm + ": no variable " + p.name() + " (variables: " + shapes.keySet() + ")");
                }
                try (Tensor t = b.session().runner().fetch(p.name()).run().get(0)) {
                    values.put(p.name(), Tensors.toArray(t));
                }
            }
            if (kind == NetKind.FORECASTER) values.put("delta_scale", deltaScale(md));
            List<NetWeights.Tensor> ts = new ArrayList<>();
            for (NetKind.Param p : kind.params(dims)) ts.add(new NetWeights.Tensor(p.name(), p.shape(), values.get(p.name())));
            NetWeights plain = new NetWeights(kind, md.name(), dims, ts);
            addGolden(ts, plain, md, sm);
            return new NetWeights(kind, md.name(), dims, ts);
        }
    }

    static float[] deltaScale(ModelMetadata md) throws IOException {
        Object v = md.params() == null ? null : md.params().get("delta_scale");
        if (!(v instanceof List<?> l) || l.size() != 4) {
            throw new IOException("metadata params.delta_scale must list 4 numbers, got " + v);
        }
        float[] ds = new float[4];
        for (int i = 0; i < 4; i++) ds[i] = ((Number) l.get(i)).floatValue();
        return ds;
    }

    private static void addGolden(List<NetWeights.Tensor> ts, NetWeights plain, ModelMetadata md, Path sm) {
        NetKind kind = plain.kind();
        int[] in = kind.inputShape(plain.dims());
        int per = 1;
        for (int s : in) per *= s;
        List<float[]> rows = new ArrayList<>(smokeRows(md, kind, in, per));
        Random r = new Random(GOLDEN_SEED);
        for (int i = 0; i < SYNTHETIC_ROWS; i++) rows.add(syntheticRow(kind, in, r));
        int n = rows.size();
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) System.arraycopy(rows.get(i), 0, x, i * per, per);
        long[] shape = new long[in.length + 1];
        shape[0] = n;
        for (int i = 0; i < in.length; i++) shape[i + 1] = in[i];
        List<float[]> outs;
        try (TfModel tf = new TfModel(sm)) {
            outs = tf.run(List.of(new TfModel.Input(NetKind.INPUT, x, shape)), kind.outputs());
        }
        ts.add(new NetWeights.Tensor(NetKind.GOLDEN + NetKind.INPUT, prepend(n, in), x));
        int[][] os = kind.outputShapes(plain.dims());
        for (int i = 0; i < os.length; i++) {
            ts.add(new NetWeights.Tensor(NetKind.GOLDEN + kind.outputs().get(i), prepend(n, os[i]), outs.get(i)));
        }
    }

    /** The metadata's smoke-test inputs, scaled as the serving wrapper scales them, when they are raw model inputs. */
    private static List<float[]> smokeRows(ModelMetadata md, NetKind kind, int[] in, int per) {
        List<float[]> rows = new ArrayList<>();
        if (kind == NetKind.DEGRADATION || md.smokeTest() == null || md.scaler() == null) return rows; // headroom coords
        Object inputs = md.smokeTest().get("inputs");
        if (!(inputs instanceof List<?> list)) return rows;
        Scaler sc = md.scaler();
        int f = in[in.length - 1];
        if (sc.size() != f) return rows;
        for (Object row : list) {
            float[] x = new float[per];
            List<Double> flat = new ArrayList<>();
            flatten(row, flat);
            if (flat.size() != per) return new ArrayList<>();
            for (int i = 0; i < per; i++) x[i] = (float) sc.transform(i % f, flat.get(i));
            rows.add(x);
        }
        return rows;
    }

    private static void flatten(Object o, List<Double> out) {
        if (o instanceof List<?> l) {
            for (Object e : l) flatten(e, out);
        } else if (o instanceof Number n) {
            out.add(n.doubleValue());
        }
    }

    /**
     * A plausible scaled input: per feature a level drawn N(0, 1) and, over the window, a random walk of small
     * steps (0.05 sd), as scaled link and consensus series move; the policy net gets one N(0, 1) row.
     */
    private static float[] syntheticRow(NetKind kind, int[] in, Random r) {
        if (in.length == 1) {
            float[] x = new float[in[0]];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            return x;
        }
        int w = in[0], f = in[1];
        float[] x = new float[w * f];
        for (int j = 0; j < f; j++) {
            double v = r.nextGaussian() * (kind == NetKind.DEGRADATION ? 0.5 : 1.0);
            for (int t = 0; t < w; t++) {
                v += 0.05 * r.nextGaussian();
                x[t * f + j] = (float) v;
            }
        }
        return x;
    }

    private static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}

package io.dwcp.jni.nets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The four network architectures the trainer builds (models/.../nets), with what a weights file must hold
 * for each: its sizes ({@code dims}), its parameter tensors in the order the C kernels take them
 * (native/include/dwcp_nets.h), and its input/output names as in the SavedModel's serving signature.
 * Immutable.
 */
public enum NetKind {
    /** Bandwidth forecaster: dims {H}; x [10][6] → y [4]. */
    FORECASTER(1, "forecaster", new String[] {"hidden"}, new String[] {"y"}),
    /** Compression policy net: dims {F, H, C}; x [F] → logits [C], probs [C]. */
    POLICY(2, "policy", new String[] {"features", "hidden", "classes"}, new String[] {"logits", "probs"}),
    /** Latency LSTM autoencoder with attention: dims {W, F, H, B, A}; x [W][F] → recon [W][F], attention [W]. */
    AUTOENCODER(3, "autoencoder", new String[] {"window", "features", "hidden", "bottleneck", "attention"},
            new String[] {"recon", "attention"}),
    /** Degradation BiLSTM with attention: dims {W, F, H, L, A, D, N, T}; x [W][F] → y [N][T], prob [1], attention [W]. */
    DEGRADATION(4, "degradation", new String[] {"window", "features", "hidden", "layers", "attention", "dense",
            "horizon", "targets"}, new String[] {"y", "prob", "attention"});

    /** The input name of every network's serving signature. */
    public static final String INPUT = "x";
    /** Prefix of the golden tensors: {@code golden/x} and {@code golden/<output>}, leading dimension = rows. */
    public static final String GOLDEN = "golden/";

    final int code;
    private final String id;
    private final String[] dimNames;
    private final String[] outputs;

    NetKind(int code, String id, String[] dimNames, String[] outputs) {
        this.code = code;
        this.id = id;
        this.dimNames = dimNames;
        this.outputs = outputs;
    }

    /** Name in weights files: forecaster, policy, autoencoder, degradation. */
    public String id() {
        return id;
    }

    public List<String> dimNames() {
        return List.of(dimNames);
    }

    /** Output names in the order {@link Net#forward} fills them. */
    public List<String> outputs() {
        return List.of(outputs);
    }

    public static NetKind parse(String id) {
        for (NetKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown network kind '" + id + "' (forecaster, policy, autoencoder, degradation)");
    }

    /** A parameter tensor: name and shape. */
    public record Param(String name, int[] shape) {
        public int size() {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /** The parameter tensors for these sizes, in kernel order. */
    public List<Param> params(int[] d) {
        checkDims(d);
        List<Param> p = new ArrayList<>();
        switch (this) {
            case FORECASTER -> {
                lstm(p, "lstm", 10, d[0]);
                p.add(new Param("d1_w", new int[] {d[0], d[0]}));
                p.add(new Param("d1_b", new int[] {d[0]}));
                p.add(new Param("d2_w", new int[] {d[0], 4}));
                p.add(new Param("d2_b", new int[] {4}));
                p.add(new Param("delta_scale", new int[] {4}));
            }
            case POLICY -> {
                p.add(new Param("d1_w", new int[] {d[0], d[1]}));
                p.add(new Param("d1_b", new int[] {d[1]}));
                p.add(new Param("d2_w", new int[] {d[1], d[1]}));
                p.add(new Param("d2_b", new int[] {d[1]}));
                p.add(new Param("d3_w", new int[] {d[1], d[2]}));
                p.add(new Param("d3_b", new int[] {d[2]}));
            }
            case AUTOENCODER -> {
                int f = d[1], h = d[2], b = d[3], a = d[4];
                lstm(p, "enc", f, h);
                p.add(new Param("att_w", new int[] {h, a}));
                p.add(new Param("att_b", new int[] {a}));
                p.add(new Param("att_v", new int[] {a, 1}));
                p.add(new Param("bottleneck_w", new int[] {h, b}));
                p.add(new Param("bottleneck_b", new int[] {b}));
                lstm(p, "dec", b, h);
                p.add(new Param("out_w", new int[] {h, f}));
                p.add(new Param("out_b", new int[] {f}));
            }
            case DEGRADATION -> {
                int f = d[1], h = d[2], layers = d[3], a = d[4], dense = d[5], nt = d[6] * d[7];
                for (int l = 0; l < layers; l++) {
                    lstm(p, "l" + l + "_fw", l == 0 ? f : 2 * h, h);
                    lstm(p, "l" + l + "_bw", l == 0 ? f : 2 * h, h);
                }
                p.add(new Param("att_w", new int[] {2 * h, a}));
                p.add(new Param("att_b", new int[] {a}));
                p.add(new Param("att_v", new int[] {a, 1}));
                p.add(new Param("d1_w", new int[] {3 * h + f, dense}));
                p.add(new Param("d1_b", new int[] {dense}));
                p.add(new Param("reg_w", new int[] {dense, nt}));
                p.add(new Param("reg_b", new int[] {nt}));
                p.add(new Param("cls_w", new int[] {dense, 1}));
                p.add(new Param("cls_b", new int[] {1}));
            }
        }
        return p;
    }

    private static void lstm(List<Param> p, String name, int in, int h) {
        for (String g : new String[] {"i", "f", "g", "o"}) {
            p.add(new Param(name + "_wx" + g, new int[] {in, h}));
        }
        for (String g : new String[] {"i", "f", "g", "o"}) {
            p.add(new Param(name + "_wh" + g, new int[] {h, h}));
        }
        for (String g : new String[] {"i", "f", "g", "o"}) {
            p.add(new Param(name + "_b" + g, new int[] {h}));
        }
    }

    /** Per-sample shape of the input. */
    public int[] inputShape(int[] d) {
        checkDims(d);
        return switch (this) {
            case FORECASTER -> new int[] {10, 6};
            case POLICY -> new int[] {d[0]};
            case AUTOENCODER, DEGRADATION -> new int[] {d[0], d[1]};
        };
    }

    /** Per-sample shapes of the outputs, in {@link #outputs()} order. */
    public int[][] outputShapes(int[] d) {
        checkDims(d);
        return switch (this) {
            case FORECASTER -> new int[][] {{4}};
            case POLICY -> new int[][] {{d[2]}, {d[2]}};
            case AUTOENCODER -> new int[][] {{d[0], d[1]}, {d[0]}};
            case DEGRADATION -> new int[][] {{d[6], d[7]}, {1}, {d[0]}};
        };
    }

    /**
     * The sizes implied by trained tensors ({@code shapes}: parameter name → shape, as the trainer's
     * Params names them) and the window (ignored by the forecaster and the policy net).
     */
    public int[] dimsFrom(Map<String, int[]> shapes, int window) {
        return switch (this) {
            case FORECASTER -> new int[] {shape(shapes, "lstm_wxi")[1]};
            case POLICY -> new int[] {shape(shapes, "d1_w")[0], shape(shapes, "d1_w")[1], shape(shapes, "d3_w")[1]};
            case AUTOENCODER -> new int[] {window, shape(shapes, "enc_wxi")[0], shape(shapes, "enc_wxi")[1],
                    shape(shapes, "bottleneck_w")[1], shape(shapes, "att_w")[1]};
            case DEGRADATION -> {
                int layers = 0;
                while (shapes.containsKey("l" + layers + "_fw_wxi")) {
                    layers++;
                }
                int targets = 3; // DegradationFeatures.TARGETS: latency, throughput, error headroom
                int nt = shape(shapes, "reg_w")[1];
                yield new int[] {window, shape(shapes, "l0_fw_wxi")[0], shape(shapes, "l0_fw_wxi")[1], layers,
                        shape(shapes, "att_w")[1], shape(shapes, "d1_w")[1], nt / targets, targets};
            }
        };
    }

    private static int[] shape(Map<String, int[]> shapes, String name) {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return s;
    }

    /** @throws IllegalArgumentException naming the bad size */
    public void checkDims(int[] d) {
        if (d == null || d.length != dimNames.length) {
            throw new IllegalArgumentException(id + " needs " + dimNames.length + " sizes " + List.of(dimNames)
                    + ", got " + (d == null ? "none" : Arrays.toString(d)));
        }
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 1 || d[i] > 4096) {
                throw new IllegalArgumentException(id + " size " + dimNames[i] + " = " + d[i] + " outside 1..4096");
            }
        }
        if (this == DEGRADATION && (d[3] > 4 || d[7] > d[1])) {
            throw new IllegalArgumentException(id + " sizes " + Arrays.toString(d) + ": layers <= 4 and targets <= features");
        }
    }
}

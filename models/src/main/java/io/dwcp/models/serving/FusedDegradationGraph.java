package io.dwcp.models.serving;

import io.dwcp.models.nets.DegradationNet;
import io.dwcp.models.tf.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.BlockLSTM;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A serving-only rewrite of the degradation forecaster's graph ({@link DegradationNet#serving}). Training
 * unrolls each LSTM direction into ~1,500 small ops plus ~400 for the attention; at the agent's batch sizes
 * dispatching them costs far more than the arithmetic. This graph reads the trained weights out of the
 * SavedModel and runs the same network with one fused {@code BlockLSTMV2} op per direction and layer (gate
 * order i, f, g, o like {@link io.dwcp.models.tf.Layers#lstm}, no forget bias added, no cell clip, no
 * peepholes; the backward direction runs over the time-reversed input and its states are reversed back), the
 * attention as batched matrix products over all {@code steps × batch} states (the trained graph's
 * {@code exp(e) / Σ exp(e)}, unchanged), and the {@code reg} and {@code cls} heads as one matrix product. The
 * time-major transpose of the input, {@code y = x_last[:3] + Δ} and the sigmoid are done in Java.
 *
 * <p>Layer count, hidden width, attention units and dense width are read from the weights' sizes (the
 * artifact's metadata only records them as text); {@link #verifiedAgainst} proves the rewrite computes what
 * the SavedModel computes before it is used. Thread-safe like {@link TfModel}: sessions take concurrent runs;
 * {@link #close} waits for running calls.
 */
final class FusedDegradationGraph implements AutoCloseable {
    static final String[] GATES = {"i", "f", "g", "o"};
    /** Largest difference the rewrite may show against the SavedModel on the check inputs (y, prob, attention). */
    static final double TOLERANCE = 1e-4;

    private static final int W = DegradationNet.WINDOW, F = DegradationNet.FEATURES, K = DegradationNet.TARGETS;

    private final Graph graph;
    private final Session session;
    private final ConfigProto config;
    private final Placeholder<TFloat32> input;
    private final Output<TFloat32> heads; // [batch, horizon * 3 + 1]: Δ then the breach logit
    private final Output<TFloat32> alpha; // [steps, batch]
    private final int hidden, layers, horizon;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** The three outputs of {@link DegradationNet#serving}, flat: y [batch][horizon][3], prob [batch], attention [batch][60]. */
    record Outputs(float[] y, float[] prob, float[] attention) {}

    FusedDegradationGraph(TfModel savedModel, int horizon, ConfigProto config) {
        this(savedModel, horizon, config, GATES);
    }

    /**
     * {@code gates}: the trained variables to place in BlockLSTM's i, f, g, o blocks; anything but
     * {@link #GATES} builds a wrong graph, which tests use to see {@link #verifiedAgainst} refuse it.
     */
    FusedDegradationGraph(TfModel savedModel, int horizon, ConfigProto config, String[] gates) {
        this.config = config;
        this.horizon = horizon;
        List<float[][]> fwW = new ArrayList<>(), bwW = new ArrayList<>(); // per layer: {weights, bias}
        float[] attW, attB, attV, d1w, d1b, regW, regB, clsW, clsB;
        int h = variable(savedModel, "l0_fw_bi").length;
        for (int l = 0, in = F; savedModel.has("l" + l + "_fw_wxi"); l++, in = 2 * h) {
            fwW.add(lstm(savedModel, "l" + l + "_fw", in, h, gates));
            bwW.add(lstm(savedModel, "l" + l + "_bw", in, h, gates));
        }
        attW = variable(savedModel, "att_w");
        attB = variable(savedModel, "att_b");
        attV = variable(savedModel, "att_v");
        d1w = variable(savedModel, "d1_w");
        d1b = variable(savedModel, "d1_b");
        regW = variable(savedModel, "reg_w");
        regB = variable(savedModel, "reg_b");
        clsW = variable(savedModel, "cls_w");
        clsB = variable(savedModel, "cls_b");
        int units = attB.length, dense = d1b.length, top = 2 * h, zw = top + h + F, out = horizon * K;
        if (attW.length != top * units || attV.length != units || d1w.length != zw * dense
                || regW.length != dense * out || regB.length != out || clsW.length != dense || clsB.length != 1) {
            throw new IllegalArgumentException("degradation weights do not have the shapes of DegradationNet (hidden " + h
                    + ", attention " + units + ", dense " + dense + ", horizon " + horizon + ")");
        }
        this.hidden = h;
        this.layers = fwW.size();
        // reg and cls read the same dense layer: one [dense, out + 1] product, the logit in the last column.
        float[] headW = new float[dense * (out + 1)];
        float[] headB = new float[out + 1];
        for (int r = 0; r < dense; r++) {
            System.arraycopy(regW, r * out, headW, r * (out + 1), out);
            headW[r * (out + 1) + out] = clsW[r];
        }
        System.arraycopy(regB, 0, headB, 0, out);
        headB[out] = clsB[0];

        graph = new Graph();
        Ops tf = Ops.create(graph);
        input = tf.placeholder(TFloat32.class); // [steps, batch, features], time-major
        Operand<TInt32> batch = tf.gather(tf.shape(input), tf.constant(new int[] {1}), tf.constant(0));
        Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {h})), tf.constant(0)),
                tf.constant(0f));
        Operand<TFloat32> noPeephole = tf.constant(new float[h]);
        Operand<TInt32> timeAxis = tf.constant(new int[] {0});
        Operand<TFloat32> seq = input;
        Operand<TFloat32> fwTop = null;
        int width = F;
        for (int l = 0; l < layers; l++) {
            Operand<TFloat32> fw = blockLstm(tf, seq, zeros, noPeephole, fwW.get(l), width, h);
            Operand<TFloat32> bw = tf.reverse(blockLstm(tf, tf.reverse(seq, timeAxis), zeros, noPeephole, bwW.get(l), width, h),
                    timeAxis);
            seq = tf.concat(List.of(fw, bw), tf.constant(2));
            fwTop = fw;
            width = top;
        }
        // e_t = v · tanh(W h_t + b) for all steps and rows at once, then α = exp(e) / Σ_t exp(e) as trained.
        Operand<TFloat32> flat = tf.reshape(seq, tf.constant(new int[] {-1, top}));
        Operand<TFloat32> e = tf.linalg.matMul(tf.math.tanh(tf.math.add(tf.linalg.matMul(flat, matrix(tf, attW, top, units)),
                tf.constant(attB))), matrix(tf, attV, units, 1));
        Operand<TFloat32> ex = tf.math.exp(tf.reshape(e, tf.concat(List.of(tf.constant(new int[] {W}), batch), tf.constant(0))));
        Operand<TFloat32> a = tf.math.div(ex, tf.reduceSum(ex, tf.constant(0), org.tensorflow.op.core.ReduceSum.keepDims(true)));
        Operand<TFloat32> context = tf.reduceSum(tf.math.mul(tf.expandDims(a, tf.constant(2)), seq), tf.constant(0));
        Operand<TFloat32> fwLast = lastStep(tf, fwTop);
        Operand<TFloat32> xLast = lastStep(tf, input);
        Operand<TFloat32> z = tf.concat(List.of(context, fwLast, xLast), tf.constant(1));
        Operand<TFloat32> mid = tf.math.tanh(tf.math.add(tf.linalg.matMul(z, matrix(tf, d1w, zw, dense)), tf.constant(d1b)));
        heads = tf.math.add(tf.linalg.matMul(mid, matrix(tf, headW, dense, out + 1)), tf.constant(headB)).asOutput();
        alpha = a.asOutput();
        session = config == null ? new Session(graph) : new Session(graph, config);
    }

    /** One direction's trained gates as BlockLSTM's {@code [in + hidden, 4 * hidden]} matrix and {@code [4 * hidden]} bias. */
    private static float[][] lstm(TfModel model, String name, int in, int h, String[] gates) {
        float[] w = new float[(in + h) * 4 * h];
        float[] bias = new float[4 * h];
        for (int k = 0; k < 4; k++) {
            float[] wx = variable(model, name + "_wx" + gates[k]);
            float[] wh = variable(model, name + "_wh" + gates[k]);
            float[] b = variable(model, name + "_b" + gates[k]);
            if (wx.length != in * h || wh.length != h * h || b.length != h) {
                throw new IllegalArgumentException(name + " weights do not have the shapes of DegradationNet (input " + in
                        + ", hidden " + h + ")");
            }
            // Input rows over recurrent rows, gate blocks side by side.
            for (int r = 0; r < in; r++) {
                System.arraycopy(wx, r * h, w, r * 4 * h + k * h, h);
            }
            for (int r = 0; r < h; r++) {
                System.arraycopy(wh, r * h, w, (in + r) * 4 * h + k * h, h);
            }
            System.arraycopy(b, 0, bias, k * h, h);
        }
        return new float[][] {w, bias};
    }

    private static Operand<TFloat32> blockLstm(Ops tf, Operand<TFloat32> x, Operand<TFloat32> zeros,
                                               Operand<TFloat32> noPeephole, float[][] wb, int in, int h) {
        return BlockLSTM.create(tf.scope(), tf.constant((long) W), x, zeros, zeros, matrix(tf, wb[0], in + h, 4 * h),
                noPeephole, noPeephole, noPeephole, tf.constant(wb[1]), BlockLSTM.cellClip(0f),
                BlockLSTM.usePeephole(false)).h();
    }

    private static Operand<TFloat32> matrix(Ops tf, float[] v, int rows, int cols) {
        return tf.reshape(tf.constant(v), tf.constant(new int[] {rows, cols}));
    }

    private static Operand<TFloat32> lastStep(Ops tf, Operand<TFloat32> timeMajor) {
        return tf.squeeze(tf.slice(timeMajor, tf.constant(new int[] {W - 1, 0, 0}), tf.constant(new int[] {1, -1, -1})),
                Squeeze.axis(List.of(0L)));
    }

    private static float[] variable(TfModel model, String name) {
        float[] v = model.variable(name);
        if (v == null) {
            throw new IllegalArgumentException("degradation SavedModel has no variable " + name);
        }
        return v;
    }

    int hidden() {
        return hidden;
    }

    int layers() {
        return layers;
    }

    /** The session settings this graph was built with (null = TensorFlow's defaults). */
    ConfigProto config() {
        return config;
    }

    /**
     * {@code x}: windows in headroom coordinates, flat {@code [batch][60][5]} (what the SavedModel's {@code x}
     * takes); returns the SavedModel's {@code y}, {@code prob} and {@code attention} for them.
     */
    Outputs run(float[] x, int batch) {
        if (x.length != batch * W * F) {
            throw new IllegalArgumentException(x.length + " inputs for " + batch + " windows of " + W + "×" + F);
        }
        int out = horizon * K;
        if (batch == 0) {
            return new Outputs(new float[0], new float[0], new float[0]);
        }
        float[] tm = new float[x.length];
        for (int i = 0; i < batch; i++) {
            for (int s = 0; s < W; s++) {
                System.arraycopy(x, (i * W + s) * F, tm, (s * batch + i) * F, F);
            }
        }
        float[] head, a;
        lock.readLock().lock();
        try (Tensor in0 = Tensors.of(tm, new long[] {W, batch, F})) {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            try (var res = session.runner().feed(input, in0).fetch(heads).fetch(alpha).run()) {
                head = Tensors.toArray(res.get(0));
                a = Tensors.toArray(res.get(1));
            }
        } finally {
            lock.readLock().unlock();
        }
        float[] y = new float[batch * out], prob = new float[batch], att = new float[batch * W];
        for (int i = 0; i < batch; i++) {
            int last = (i * W + W - 1) * F, row = i * (out + 1);
            for (int t = 0; t < horizon; t++) {
                for (int j = 0; j < K; j++) {
                    y[i * out + t * K + j] = x[last + j] + head[row + t * K + j];
                }
            }
            prob[i] = (float) (1 / (1 + Math.exp(-head[row + out])));
            for (int t = 0; t < W; t++) {
                att[i * W + t] = a[t * batch + i];
            }
        }
        return new Outputs(y, prob, att);
    }

    /**
     * Deterministic windows in headroom coordinates like {@link io.dwcp.models.features.DegradationFeatures}
     * makes them: per window a latency, throughput and error headroom that starts between well inside the SLO
     * (-3) and past it (+1) and drifts (ramps either way, with noise), and a time of day advancing on the unit
     * circle; a few windows jump by up to ±2 part-way (steps).
     */
    static float[] checkWindows(int batch, SplittableRandom r) {
        float[] x = new float[batch * W * F];
        for (int i = 0; i < batch; i++) {
            double[] level = new double[K], slope = new double[K];
            for (int j = 0; j < K; j++) {
                level[j] = -3 + 4 * r.nextDouble();
                slope[j] = (r.nextDouble() - 0.5) * 0.06;
            }
            int jumpAt = r.nextInt(4) == 0 ? r.nextInt(W) : W;
            double jump = 4 * r.nextDouble() - 2;
            double angle = 2 * Math.PI * r.nextDouble(), step = 0.002 + 0.01 * r.nextDouble();
            for (int s = 0; s < W; s++) {
                int o = (i * W + s) * F;
                for (int j = 0; j < K; j++) {
                    x[o + j] = (float) (level[j] + slope[j] * s + 0.15 * (r.nextDouble() - 0.5) + (s >= jumpAt ? jump : 0));
                }
                x[o + 3] = (float) Math.sin(angle + step * s);
                x[o + 4] = (float) Math.cos(angle + step * s);
            }
        }
        return x;
    }

    /**
     * Runs this graph and the SavedModel on the same deterministic windows ({@link #checkWindows}, batches 1, 7
     * and 64) and returns the largest absolute difference over {@code y}, {@code prob} and {@code attention};
     * throws when any is above {@link #TOLERANCE}, so a weight layout or gate order that does not match can
     * never serve.
     */
    double verifiedAgainst(TfModel savedModel) {
        SplittableRandom r = new SplittableRandom(20261124);
        double worst = 0;
        for (int batch : new int[] {1, 7, 64}) {
            float[] xs = checkWindows(batch, r);
            List<float[]> want = savedModel.run(List.of(new TfModel.Input("x", xs, new long[] {batch, W, F})),
                    List.of("y", "prob", "attention"));
            Outputs got = run(xs, batch);
            worst = Math.max(worst, compare("y", want.get(0), got.y(), batch));
            worst = Math.max(worst, compare("prob", want.get(1), got.prob(), batch));
            worst = Math.max(worst, compare("attention", want.get(2), got.attention(), batch));
        }
        return worst;
    }

    private static double compare(String name, float[] want, float[] got, int batch) {
        return FusedGraphs.maxDifference("fused degradation graph, " + name + " at batch " + batch, want, got, TOLERANCE);
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
                graph.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.nets.ForecasterNet;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A serving-only rewrite of the forecaster's graph. Training unrolls the LSTM into ~300 small ops (there is
 * no C++ gradient for the fused op), and at the batch sizes the agent runs, dispatching those ops costs more
 * than the arithmetic. This graph reads the trained weights out of the SavedModel and runs the same network
 * as one fused {@code BlockLSTMV2} op (gate order i, f, g, o like {@link io.dwcp.models.tf.Layers#lstm}, no
 * forget bias added, no cell clip, no peepholes) plus the two dense layers; the input augmentation
 * ({@code [x, (x - x_last) / delta_scale]}) and the residual {@code y = x_last + delta_scale * head} are done
 * in Java, where they cost a few nanoseconds a row.
 *
 * <p>{@link #verifiedAgainst} proves the rewrite computes what the SavedModel computes before it is used.
 * Thread-safe like {@link TfModel}: sessions take concurrent runs; {@link #close} waits for running calls.
 */
final class FusedForecasterGraph implements AutoCloseable {
    private static final String[] GATES = {"i", "f", "g", "o"};
    /** Largest difference (scaled units) the rewrite may show against the SavedModel on the check inputs. */
    static final double TOLERANCE = 1e-4;

    private final Graph graph;
    private final Session session;
    private final Placeholder<TFloat32> input;
    private final Output<TFloat32> head;
    private final float[] deltaScale;
    private final int hidden;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    FusedForecasterGraph(TfModel savedModel, float[] deltaScale, ConfigProto config) {
        this.deltaScale = deltaScale.clone();
        int in = ForecasterNet.FEATURES + ForecasterNet.TARGETS;
        float[][] wx = new float[4][], wh = new float[4][], b = new float[4][];
        float[] d1w, d1b, d2w, d2b;
        for (int k = 0; k < 4; k++) {
            wx[k] = variable(savedModel, "lstm_wx" + GATES[k]);
            wh[k] = variable(savedModel, "lstm_wh" + GATES[k]);
            b[k] = variable(savedModel, "lstm_b" + GATES[k]);
        }
        d1w = variable(savedModel, "d1_w");
        d1b = variable(savedModel, "d1_b");
        d2w = variable(savedModel, "d2_w");
        d2b = variable(savedModel, "d2_b");
        int h = b[0].length;
        if (wx[0].length != in * h || wh[0].length != h * h || d1w.length != h * h || d2w.length != h * ForecasterNet.TARGETS) {
            throw new IllegalArgumentException("forecaster weights do not have the shapes of ForecasterNet (hidden " + h + ")");
        }
        this.hidden = h;
        // BlockLSTM wants one [in + hidden, 4 * hidden] matrix: input rows over recurrent rows, gate blocks side by side.
        float[] w = new float[(in + h) * 4 * h];
        float[] bias = new float[4 * h];
        for (int k = 0; k < 4; k++) {
            for (int r = 0; r < in; r++) {
                System.arraycopy(wx[k], r * h, w, r * 4 * h + k * h, h);
            }
            for (int r = 0; r < h; r++) {
                System.arraycopy(wh[k], r * h, w, (in + r) * 4 * h + k * h, h);
            }
            System.arraycopy(b[k], 0, bias, k * h, h);
        }
        graph = new Graph();
        Ops tf = Ops.create(graph);
        input = tf.placeholder(TFloat32.class); // [steps, batch, in], time-major
        Operand<org.tensorflow.types.TInt32> batch = tf.gather(tf.shape(input), tf.constant(new int[] {1}), tf.constant(0));
        Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {h})), tf.constant(0)),
                tf.constant(0f));
        Operand<TFloat32> noPeephole = tf.constant(new float[h]);
        BlockLSTM<TFloat32> lstm = BlockLSTM.create(tf.scope(), tf.constant((long) ForecasterNet.WINDOW), input, zeros, zeros,
                tf.reshape(tf.constant(w), tf.constant(new int[] {in + h, 4 * h})), noPeephole, noPeephole, noPeephole,
                tf.constant(bias), BlockLSTM.cellClip(0f), BlockLSTM.usePeephole(false));
        Operand<TFloat32> last = tf.squeeze(tf.slice(lstm.h(), tf.constant(new int[] {ForecasterNet.WINDOW - 1, 0, 0}),
                tf.constant(new int[] {1, -1, -1})), Squeeze.axis(List.of(0L)));
        Operand<TFloat32> mid = tf.math.tanh(tf.math.add(tf.linalg.matMul(last,
                tf.reshape(tf.constant(d1w), tf.constant(new int[] {h, h}))), tf.constant(d1b)));
        head = tf.math.add(tf.linalg.matMul(mid, tf.reshape(tf.constant(d2w),
                tf.constant(new int[] {h, ForecasterNet.TARGETS}))), tf.constant(d2b)).asOutput();
        session = config == null ? new Session(graph) : new Session(graph, config);
    }

    private static float[] variable(TfModel model, String name) {
        float[] v = model.variable(name);
        if (v == null) {
            throw new IllegalArgumentException("forecaster SavedModel has no variable " + name);
        }
        return v;
    }

    int hidden() {
        return hidden;
    }

    /**
     * {@code x}: scaled windows, flat {@code [batch][WINDOW][FEATURES]}; returns the scaled forecast flat
     * {@code [batch][TARGETS]}, the same numbers the SavedModel's {@code y} gives.
     */
    float[] run(float[] x, int batch) {
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES, t4 = ForecasterNet.TARGETS, in = f + t4;
        float[] aug = new float[w * batch * in];
        for (int i = 0; i < batch; i++) {
            int lastRow = i * w * f + (w - 1) * f;
            for (int s = 0; s < w; s++) {
                int src = i * w * f + s * f, dst = (s * batch + i) * in;
                System.arraycopy(x, src, aug, dst, f);
                for (int j = 0; j < t4; j++) {
                    aug[dst + f + j] = (x[src + j] - x[lastRow + j]) / deltaScale[j];
                }
            }
        }
        float[] delta;
        lock.readLock().lock();
        try (Tensor in0 = Tensors.of(aug, new long[] {w, batch, in})) {
            if (closed) {
                throw new IllegalStateException("model is closed");
            }
            try (var res = session.runner().feed(input, in0).fetch(head).run()) {
                delta = Tensors.toArray(res.get(0));
            }
        } finally {
            lock.readLock().unlock();
        }
        float[] y = new float[batch * t4];
        for (int i = 0; i < batch; i++) {
            int lastRow = i * w * f + (w - 1) * f;
            for (int j = 0; j < t4; j++) {
                y[i * t4 + j] = x[lastRow + j] + delta[i * t4 + j] * deltaScale[j];
            }
        }
        return y;
    }

    /**
     * Runs this graph and the SavedModel on the same deterministic scaled windows (a spread of ±3 standard
     * deviations, odd batch sizes included) and returns the largest absolute difference; throws when it is
     * above {@link #TOLERANCE}, so a weight layout or gate order that does not match can never serve.
     */
    double verifiedAgainst(TfModel savedModel) {
        int w = ForecasterNet.WINDOW, f = ForecasterNet.FEATURES;
        SplittableRandom r = new SplittableRandom(20261123);
        double worst = 0;
        for (int batch : new int[] {1, 7, 64}) {
            float[] xs = new float[batch * w * f];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) (6 * r.nextDouble() - 3);
            }
            float[] want = savedModel.run(List.of(new TfModel.Input("x", xs, new long[] {batch, w, f})), List.of("y")).get(0);
            worst = Math.max(worst, FusedGraphs.maxDifference("fused forecaster graph, y at batch " + batch, want,
                    run(xs, batch), TOLERANCE));
        }
        return worst;
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

package io.dwcp.models.tf;

import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Mini-batch training with seeded shuffling, early stopping on validation loss (best weights restored),
 * and learning-rate halving on plateau. Data are flat row-major float arrays, one per placeholder, with a
 * per-sample shape. Not thread-safe (one per graph).
 */
public final class TrainLoop {

    /** One fed tensor: its placeholder, the per-sample shape, and the train / validation values. */
    public record Feed(Placeholder<TFloat32> placeholder, long[] sampleShape, float[] train, float[] val) {
        int sampleSize() {
            long n = 1;
            for (long d : sampleShape) n *= d;
            return (int) n;
        }
    }

    /** Settings. */
    public record Settings(int maxEpochs, int batchSize, float learningRate, int patience, int lrPatience,
                           float lrFactor, float minLr, double minDelta, long seed) {}

    /** Loss curves and what stopped training. */
    public record History(List<Double> trainLoss, List<Double> valLoss, List<Double> lr, int bestEpoch,
                          double bestVal, String stopReason, Map<String, float[]> best) {}

    private final Session session;
    private final GraphParams params;
    private final Adam adam;
    private final Operand<TFloat32> loss;
    private final List<Feed> feeds;

    public TrainLoop(Session session, GraphParams params, Adam adam, Operand<TFloat32> loss, List<Feed> feeds) {
        this.session = session;
        this.params = params;
        this.adam = adam;
        this.loss = loss;
        this.feeds = feeds;
    }

    public History run(Settings s, BiConsumer<Integer, String> onEpoch) {
        int nTrain = feeds.get(0).train().length / feeds.get(0).sampleSize();
        int nVal = feeds.get(0).val().length / feeds.get(0).sampleSize();
        Random rnd = new Random(s.seed());
        int[] order = new int[nTrain];
        for (int i = 0; i < nTrain; i++) order[i] = i;
        List<Double> tl = new ArrayList<>(), vl = new ArrayList<>(), lrs = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = -1, sinceBest = 0, sinceLr = 0;
        double lrBest = Double.POSITIVE_INFINITY;
        float lr = s.learningRate();
        Map<String, float[]> bestSnap = params.snapshot(session);
        String reason = "max epochs";
        for (int epoch = 0; epoch < s.maxEpochs(); epoch++) {
            for (int i = nTrain - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double sum = 0;
            int seen = 0;
            for (int start = 0; start < nTrain; start += s.batchSize()) {
                int b = Math.min(s.batchSize(), nTrain - start);
                int[] idx = java.util.Arrays.copyOfRange(order, start, start + b);
                List<AutoCloseable> toClose = new ArrayList<>();
                try {
                    Session.Runner r = session.runner();
                    for (Feed f : feeds) {
                        Tensor t = batch(f, f.train(), idx);
                        toClose.add(t);
                        r.feed(f.placeholder(), t);
                    }
                    toClose.addAll(adam.addStep(r, lr));
                    r.fetch(loss);
                    try (var res = r.run()) {
                        sum += Tensors.toArray(res.get(0))[0] * b;
                        seen += b;
                    }
                } finally {
                    closeAll(toClose);
                }
            }
            double train = sum / seen;
            double val = evaluate(nVal, s.batchSize());
            tl.add(train);
            vl.add(val);
            lrs.add((double) lr);
            if (val < best - s.minDelta()) {
                best = val;
                bestEpoch = epoch;
                sinceBest = 0;
                bestSnap = params.snapshot(session);
            } else {
                sinceBest++;
            }
            if (val < lrBest - s.minDelta()) {
                lrBest = val;
                sinceLr = 0;
            } else if (++sinceLr >= s.lrPatience() && lr > s.minLr()) {
                lr = Math.max(s.minLr(), lr * s.lrFactor());
                sinceLr = 0;
            }
            if (onEpoch != null) {
                onEpoch.accept(epoch, String.format("epoch %d train %.5f val %.5f lr %.2e", epoch + 1, train, val, lr));
            }
            if (sinceBest >= s.patience()) {
                reason = "early stop (no val improvement for " + s.patience() + " epochs)";
                break;
            }
        }
        params.restore(session, bestSnap);
        return new History(tl, vl, lrs, bestEpoch, best, reason, bestSnap);
    }

    /** Mean loss over the validation samples. */
    double evaluate(int n, int batchSize) {
        double sum = 0;
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) idx[i] = start + i;
            List<AutoCloseable> toClose = new ArrayList<>();
            try {
                Session.Runner r = session.runner();
                for (Feed f : feeds) {
                    Tensor t = batch(f, f.val(), idx);
                    toClose.add(t);
                    r.feed(f.placeholder(), t);
                }
                r.fetch(loss);
                try (var res = r.run()) {
                    sum += Tensors.toArray(res.get(0))[0] * b;
                }
            } finally {
                closeAll(toClose);
            }
        }
        return sum / n;
    }

    private static Tensor batch(Feed f, float[] data, int[] idx) {
        int k = f.sampleSize();
        float[] out = new float[idx.length * k];
        for (int i = 0; i < idx.length; i++) System.arraycopy(data, idx[i] * k, out, i * k, k);
        long[] shape = new long[f.sampleShape().length + 1];
        shape[0] = idx.length;
        System.arraycopy(f.sampleShape(), 0, shape, 1, f.sampleShape().length);
        return Tensors.of(out, shape);
    }

    private static void closeAll(List<AutoCloseable> xs) {
        for (AutoCloseable c : xs) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

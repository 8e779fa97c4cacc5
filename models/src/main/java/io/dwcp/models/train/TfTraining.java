package io.dwcp.models.train;

import io.dwcp.models.report.Plots;
import io.dwcp.models.tf.Adam;
import io.dwcp.models.tf.GraphParams;
import io.dwcp.models.tf.SavedModels;
import io.dwcp.models.tf.TfEnv;
import io.dwcp.models.tf.TrainLoop;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared TensorFlow training: builds the graph (forward + loss + deterministic Adam), runs the
 * {@link TrainLoop}, exports the best weights as a SavedModel and plots the loss curves. Stateless.
 */
final class TfTraining {
    private TfTraining() {}

    /** Builds the scalar loss from the forward outputs and the auxiliary placeholders (targets, masks). */
    @FunctionalInterface
    interface Loss {
        Operand<TFloat32> build(Ops tf, Map<String, Operand<TFloat32>> outputs, Map<String, Operand<TFloat32>> aux);
    }

    /** Flat data per feed name, train and validation. */
    record Data(Map<String, float[]> train, Map<String, float[]> val) {}

    record Fit(TrainLoop.History history, Map<String, float[]> weights, long paramCount, double seconds) {}

    static Fit fit(String model, TrainConfig cfg, SavedModels.Forward forward, Map<String, long[]> inputs,
                   Map<String, long[]> aux, Loss lossFn, Data data, TrainLoop.Settings settings, Progress progress) {
        long t0 = System.nanoTime();
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            GraphParams p = new GraphParams(tf, settings.seed());
            Map<String, Operand<TFloat32>> in = new LinkedHashMap<>();
            Map<String, Operand<TFloat32>> ax = new LinkedHashMap<>();
            List<TrainLoop.Feed> feeds = new ArrayList<>();
            for (var e : inputs.entrySet()) {
                Placeholder<TFloat32> ph = placeholder(tf, e.getValue());
                in.put(e.getKey(), ph);
                feeds.add(new TrainLoop.Feed(ph, e.getValue(), data.train().get(e.getKey()), data.val().get(e.getKey())));
            }
            for (var e : aux.entrySet()) {
                Placeholder<TFloat32> ph = placeholder(tf, e.getValue());
                ax.put(e.getKey(), ph);
                feeds.add(new TrainLoop.Feed(ph, e.getValue(), data.train().get(e.getKey()), data.val().get(e.getKey())));
            }
            Map<String, Operand<TFloat32>> out = forward.build(tf, p, in);
            Operand<TFloat32> loss = lossFn.build(tf, out, ax);
            Adam adam = new Adam(tf, p.variables(), loss);
            p.prepareRestore();
            try (Session s = TfEnv.session(g, cfg.threads())) {
                s.initialize();
                TrainLoop loop = new TrainLoop(s, p, adam, loss, feeds);
                TrainLoop.History h = loop.run(settings, (ep, msg) -> progress.step(model, ep + 1, msg));
                return new Fit(h, h.best(), p.count(), (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    static Placeholder<TFloat32> placeholder(Ops tf, long[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = -1;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
    }

    static void plotLoss(Path file, String title, TrainLoop.History h) throws IOException {
        int n = h.trainLoss().size();
        double[] x = new double[n], tr = new double[n], va = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            tr[i] = h.trainLoss().get(i);
            va[i] = h.valLoss().get(i);
        }
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("training loss", new double[][] {x, tr});
        s.put("validation loss", new double[][] {x, va});
        Plots.lines(file, title + " (best epoch " + (h.bestEpoch() + 1) + ", " + h.stopReason() + ")", "epoch", "loss",
                s, false);
    }

    static Map<String, Object> historyJson(TrainLoop.History h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_loss", h.trainLoss());
        m.put("val_loss", h.valLoss());
        m.put("learning_rate", h.lr());
        m.put("best_epoch", h.bestEpoch() + 1);
        m.put("best_val_loss", h.bestVal());
        m.put("stop_reason", h.stopReason());
        return m;
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.data.DegradationSeries.Slo;
import io.dwcp.models.nets.DegradationNet;
import io.dwcp.models.tf.TfEnv;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: times the degradation forecaster's SavedModel graph against {@link FusedDegradationGraph}
 * (1 intra-op thread, 1 inter-op thread), at the graph (scaled windows in, network outputs back) and through
 * {@link DegradationForecaster#predict} (raw windows in, forecasts out). The engines alternate call by call so
 * a shared machine's load falls on both alike; prints the median µs per batch. Run with the models test
 * classpath: {@code java -cp ... io.dwcp.models.serving.DegradationGraphTiming [calls] [batch...]}.
 */
public final class DegradationGraphTiming {
    private DegradationGraphTiming() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int[] batches = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8, 64};
        int w = DegradationNet.WINDOW, f = DegradationNet.FEATURES;
        ModelArtifact a = ModelArtifact.loadDefault("degradation");
        try (DegradationForecaster plain = TfModel.withConfig(TfEnv.config(1), () -> new DegradationForecaster(a, false));
             DegradationForecaster fused = TfModel.withConfig(TfEnv.config(1), () -> new DegradationForecaster(a, true))) {
            System.out.println("engine: " + fused.engine());
            System.out.println("| batch | SavedModel graph µs | fused graph µs | ratio | SavedModel predict µs | fused predict µs | ratio |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            SplittableRandom r = new SplittableRandom(3);
            for (int batch : batches) {
                float[] x = FusedDegradationGraph.checkWindows(batch, r);
                List<TfModel.Input> in = List.of(new TfModel.Input("x", x, new long[] {batch, w, f}));
                List<String> outs = List.of("y", "prob", "attention");
                float[][][] raw = new float[batch][w][];
                for (int i = 0; i < batch; i++) {
                    for (int t = 0; t < w; t++) {
                        raw[i][t] = new float[] {800 - i, 40 + t * 0.5f, 0.001f, 2, 12 + t / 60f, 2};
                    }
                }
                Slo slo = new Slo(100, 300, 0.02);
                FusedDegradationGraph g = fused.fusedGraph();
                long[] sg = new long[calls], fg = new long[calls], sp = new long[calls], fp = new long[calls];
                for (int warm = 0; warm < 30; warm++) {
                    plain.tfModel().run(in, outs);
                    g.run(x, batch);
                    plain.predict(raw, slo);
                    fused.predict(raw, slo);
                }
                for (int c = 0; c < calls; c++) {
                    long t0 = System.nanoTime();
                    plain.tfModel().run(in, outs);
                    long t1 = System.nanoTime();
                    g.run(x, batch);
                    long t2 = System.nanoTime();
                    plain.predict(raw, slo);
                    long t3 = System.nanoTime();
                    fused.predict(raw, slo);
                    long t4 = System.nanoTime();
                    sg[c] = t1 - t0;
                    fg[c] = t2 - t1;
                    sp[c] = t3 - t2;
                    fp[c] = t4 - t3;
                }
                double a1 = median(sg), b1 = median(fg), a2 = median(sp), b2 = median(fp);
                System.out.println(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f | %,.0f | %,.0f | %.1f |", batch, a1, b1,
                        a1 / b1, a2, b2, a2 / b2));
            }
        }
    }

    private static double median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1000.0;
    }
}

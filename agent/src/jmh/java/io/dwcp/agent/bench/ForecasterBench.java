package io.dwcp.agent.bench;

import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.TfModel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorflow.proto.ConfigProto;

/**
 * The shipped bandwidth forecaster (TensorFlow Java, CPU; the fused serving graph and the SavedModel's own) called with a batch of raw windows, as
 * the agent's batcher calls it: scaling, the session run and unscaling included. One op = one batch;
 * divide by {@code batch} for per-inference cost (agent/BENCHMARKS.md does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForecasterBench {
    @Param({"1", "8", "64", "512"})
    int batch;

    /** TensorFlow intra-op threads (the agent's dwcp.inference.intra-op-threads). */
    @Param({"1"})
    int threads;

    /** {@code fused}: the agent's default serving graph (dwcp.inference.fused-lstm); {@code savedmodel}: the trained graph as exported. */
    @Param({"fused", "savedmodel"})
    String graph;

    BandwidthForecaster model;
    float[][][] windows;

    @Setup(Level.Trial)
    public void setup() {
        ConfigProto cfg = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1).putDeviceCount("GPU", 0).build();
        model = TfModel.withConfig(cfg, () -> {
            try {
                return new BandwidthForecaster(io.dwcp.models.serving.ModelArtifact.loadDefault("bandwidth"),
                        graph.equals("fused"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        if (graph.equals("fused") != model.engine().startsWith("fused")) {
            throw new IllegalStateException("asked for the " + graph + " graph, got " + model.engine());
        }
        SplittableRandom r = new SplittableRandom(7);
        windows = new float[batch][10][];
        for (int i = 0; i < batch; i++) {
            for (int t = 0; t < 10; t++) {
                windows[i][t] = new float[] {(float) (500 + 100 * r.nextDouble()), (float) (20 + 5 * r.nextDouble()),
                    (float) (0.001 * r.nextDouble()), (float) r.nextDouble(), (float) (24 * r.nextDouble()), r.nextInt(7)};
            }
        }
    }

    @Benchmark
    public float[][] predictBatch() {
        return model.predict(windows);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }
}

package io.dwcp.models.weights;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.NativeNets;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetKind;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.TfModel;
import io.dwcp.models.tf.TfEnv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Not a test (jni/BENCHMARKS.md, issue 16): the bandwidth forecaster's graph — scaled windows in, y out —
 * on TensorFlow Java (the SavedModel, 1 intra-op and 1 inter-op thread, as the agent runs it), on the C
 * kernels of libdwcp_nets.so and in pure Java, at each batch size. Engines alternate call by call so a
 * shared machine's load falls on all alike; each gets a 2 s warm-up per batch size first. Prints median,
 * p10 and p90 µs per call and inferences/s at the median. Single-threaded throughout.
 * {@code java -cp <models test classpath> io.dwcp.models.weights.ForecasterNetsTiming [seconds] [batch...]};
 * {@code DWCP_NETS_ISA=scalar|avx2} in the environment caps the C kernels' instruction set.
 */
public final class ForecasterNetsTiming {
    private ForecasterNetsTiming() {}

    interface Engine {
        void run(float[] x, int batch, float[] y);
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int[] batches = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8, 64, 512};
        ModelArtifact a = ModelArtifact.loadDefault("bandwidth");
        NetWeights w = NetWeights.read(a.dir().resolve(NetWeights.FILE_NAME));
        System.out.printf(Locale.ROOT, "C kernels: %s; load average %s%n",
                NativeNets.isAvailable() ? NativeNets.isa() : "unavailable: " + NativeNets.unavailabilityCause(),
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
        try (TfModel tf = new TfModel(a.modelPath(), TfEnv.config(1));
             Net c = Nets.load(w, Implementation.C);
             Net java = Nets.load(w, Implementation.JAVA)) {
            List<String> names = List.of("tensorflow-java", "native-c", "pure-java");
            System.out.println("| batch | engine | median µs/call | p10 | p90 | inferences/s | vs TF |");
            System.out.println("|---:|---|---:|---:|---:|---:|---:|");
            for (int batch : batches) {
                float[] x = NetsAgainstTensorFlowTest.realistic(NetKind.FORECASTER, new int[] {10, 6}, batch, new Random(batch));
                long[] shape = {batch, 10, 6};
                float[] y = new float[batch * 4];
                List<Engine> engines = List.of(
                        (xx, b, yy) -> System.arraycopy(tf.run(List.of(new TfModel.Input("x", xx, shape)), List.of("y")).get(0), 0, yy, 0, b * 4),
                        c::forward,
                        java::forward);
                // the pure-Java reference is ~100x slower than C: fewer of its calls, interleaved less often
                for (Engine e : engines) {
                    long end = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < end) e.run(x, batch, y);
                }
                List<List<Long>> times = new ArrayList<>();
                for (int i = 0; i < engines.size(); i++) times.add(new ArrayList<>());
                long budget = (long) (seconds * 1e9), spent = 0;
                int round = 0;
                while (spent < budget) {
                    for (int i = 0; i < engines.size(); i++) {
                        if (i == 2 && round % 8 != 0) continue;
                        long t0 = System.nanoTime();
                        engines.get(i).run(x, batch, y);
                        long dt = System.nanoTime() - t0;
                        times.get(i).add(dt);
                        spent += dt;
                    }
                    round++;
                }
                double tfMedian = 0;
                for (int i = 0; i < engines.size(); i++) {
                    long[] t = times.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
                    double med = t[t.length / 2] / 1e3, p10 = t[t.length / 10] / 1e3, p90 = t[t.length * 9 / 10] / 1e3;
                    if (i == 0) tfMedian = med;
                    System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.0f | %.2fx |%n", batch, names.get(i), med,
                            p10, p90, batch / (med / 1e6), tfMedian / med);
                }
            }
        }
    }
}

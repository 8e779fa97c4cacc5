package io.dwcp.models.serving;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.NativeNets;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetKind;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import io.dwcp.models.weights.NetInputs;
import org.tensorflow.proto.ConfigProto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Not a test (jni/BENCHMARKS.md, issue 16): each trained network — scaled inputs in, the serving signature's
 * outputs out — on every engine, same weights, same inputs, same run:
 * <ul>
 *   <li>{@code tf-served}: TensorFlow Java as the agent serves it on CPU: the fused-LSTM rewrite where the agent
 *       uses one (forecaster, degradation; {@code dwcp.inference.fused-lstm}, default on), else the SavedModel;
 *       1 intra-op and 1 inter-op thread, GPUs hidden, fetching what the serving class fetches;</li>
 *   <li>{@code tf-savedmodel}: the SavedModel's own graph, where the agent serves the rewrite instead;</li>
 *   <li>{@code native-c}: the C kernels of libdwcp_nets.so through JavaCPP, arrays copied across JNI;</li>
 *   <li>{@code pure-java}: the last-resort Java networks;</li>
 *   <li>each {@code --peer}: a separate process running {@code torch_nets.py --serve} (PyTorch, one thread).</li>
 * </ul>
 * First every engine's outputs are compared with the SavedModel's on the inputs it will be timed on (max |diff|
 * printed; above {@link Nets#TOLERANCE} scaled the run stops). Then, per batch size, each engine gets a warm-up,
 * and the JVM engines alternate call by call in slices of {@code --slice} seconds; after each slice every peer
 * times its calls for one JVM engine's share of that slice, so a shared machine's load falls on all alike.
 * Prints median, p10 and p90 µs per call, inferences/s at the median and the ratio to {@code tf-served}'s median.
 * Single-threaded throughout. {@code DWCP_NETS_ISA=scalar|avx2} caps the C kernels' instruction set.
 *
 * <pre>
 * java -cp &lt;models test classpath&gt; io.dwcp.models.serving.NetsTiming [--models bandwidth,compression,latency,degradation]
 *   [--batches 1,8,64,512] [--seconds 3] [--warmup 2] [--slice 0.25] [--tsv FILE]
 *   [--peer-script models/src/test/bench/torch_nets.py] [--peer 'LABEL=COMMAND ...']...
 * </pre>
 */
public final class NetsTiming {
    private NetsTiming() {}

    /** One engine bound to the current inputs: {@link #call} runs it once; {@link #outputs} returns every output, for the check. */
    interface Engine {
        String name();

        void call();

        float[][] outputs();

        /** The pure-Java networks are ~100x slower than C: timed on every 8th round only, so the others get the time. */
        default boolean slow() {
            return false;
        }
    }

    record Stats(String engine, long[] sortedNanos) {
        double median() {
            return sortedNanos[sortedNanos.length / 2] / 1e3;
        }

        double p10() {
            return sortedNanos[sortedNanos.length / 10] / 1e3;
        }

        double p90() {
            return sortedNanos[sortedNanos.length * 9 / 10] / 1e3;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of("bandwidth", "compression", "latency", "degradation");
        int[] batches = {1, 8, 64, 512};
        double seconds = 3, warmup = 2, slice = 0.25;
        Path peerScript = Path.of("models/src/test/bench/torch_nets.py");
        Path tsv = null;
        Map<String, String> peerCommands = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--models" -> models = List.of(need(args[i], v).split(","));
                case "--batches" -> batches = Arrays.stream(need(args[i], v).split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> seconds = Double.parseDouble(need(args[i], v));
                case "--warmup" -> warmup = Double.parseDouble(need(args[i], v));
                case "--slice" -> slice = Double.parseDouble(need(args[i], v));
                case "--tsv" -> tsv = Path.of(need(args[i], v));
                case "--peer-script" -> peerScript = Path.of(need(args[i], v));
                case "--peer" -> {
                    String p = need(args[i], v);
                    int eq = p.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("--peer wants LABEL=COMMAND, got '" + p + "'");
                    peerCommands.put(p.substring(0, eq), p.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            i++;
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "C kernels: %s; TensorFlow %s; Java %s; load average at start %s%n",
                NativeNets.isAvailable() ? NativeNets.isa() : "unavailable: " + NativeNets.unavailabilityCause(),
                org.tensorflow.TensorFlow.version(), System.getProperty("java.runtime.version"), loadAverage());
        Map<String, ModelArtifact> artifacts = new LinkedHashMap<>();
        Map<String, NetWeights> weights = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        for (String m : models) {
            ModelArtifact a = ModelArtifact.loadDefault(m);
            artifacts.put(m, a);
            weights.put(m, NetWeights.read(a.dir().resolve(NetWeights.FILE_NAME)));
            files.add(a.dir().resolve(NetWeights.FILE_NAME).toString());
        }
        Path tmp = Files.createTempDirectory("nets-timing");
        List<Peer> peers = new ArrayList<>();
        Writer tsvOut = tsv == null ? null : Files.newBufferedWriter(tsv, StandardCharsets.UTF_8);
        try {
            for (Map.Entry<String, String> p : peerCommands.entrySet()) {
                peers.add(Peer.start(p.getKey(), p.getValue(), peerScript, files, out));
            }
            if (tsvOut != null) tsvOut.write("model\tbatch\tengine\tmedian_us\tp10_us\tp90_us\tinferences_per_s\tcalls\tvs_tf\tload\n");
            for (String m : models) {
                runModel(m, artifacts.get(m), weights.get(m), batches, seconds, warmup, slice, peers, tmp, out, tsvOut);
            }
        } finally {
            for (Peer p : peers) p.close();
            if (tsvOut != null) tsvOut.close();
            try (var s = Files.list(tmp)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(tmp);
        }
        out.printf(Locale.ROOT, "load average at end %s%n", loadAverage());
    }

    private static String need(String flag, String v) {
        if (v == null) throw new IllegalArgumentException(flag + " needs a value");
        return v;
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /** The agent's CPU session settings (TensorFlowBackend.session(false) with its default thread counts). */
    static ConfigProto agentCpuSession() {
        return ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
                .putDeviceCount("GPU", 0).build();
    }

    /** What the serving class fetches from the SavedModel (BandwidthForecaster, CompressionSelector, LatencyDetector, DegradationForecaster). */
    static List<String> servedOutputs(NetKind k) {
        return switch (k) {
            case FORECASTER -> List.of("y");
            case POLICY -> List.of("probs");
            case AUTOENCODER -> List.of("recon", "attention");
            case DEGRADATION -> List.of("y", "prob", "attention");
        };
    }

    private static void runModel(String model, ModelArtifact a, NetWeights w, int[] batches, double seconds, double warmup,
                                 double slice, List<Peer> peers, Path tmp, PrintStream out, Writer tsv) throws Exception {
        NetKind k = w.kind();
        int[] in = k.inputShape(w.dims());
        int inSize = Arrays.stream(in).reduce(1, (p, q) -> p * q);
        int[] outSizes = Arrays.stream(k.outputShapes(w.dims())).mapToInt(s -> Arrays.stream(s).reduce(1, (p, q) -> p * q)).toArray();
        ConfigProto cfg = agentCpuSession();
        try (TfModel tf = new TfModel(a.modelPath(), cfg);
             Net c = Nets.load(w, Implementation.C);
             Net java = Nets.load(w, Implementation.JAVA)) {
            AutoCloseable fused = null;
            String graph;
            if (k == NetKind.FORECASTER) {
                FusedGraphs.Served<FusedForecasterGraph> s = FusedGraphs.serve(true,
                        () -> new FusedForecasterGraph(tf, w.tensor("delta_scale").values(), cfg), g -> g.verifiedAgainst(tf));
                fused = s.graph();
                graph = s.engine();
            } else if (k == NetKind.DEGRADATION) {
                int horizon = ((Number) a.metadata().params().get("horizon")).intValue();
                FusedGraphs.Served<FusedDegradationGraph> s = FusedGraphs.serve(true,
                        () -> new FusedDegradationGraph(tf, horizon, cfg), g -> g.verifiedAgainst(tf));
                fused = s.graph();
                graph = s.engine();
            } else {
                graph = "savedmodel (the agent has no rewrite for this network)";
            }
            try {
                out.printf(Locale.ROOT, "%n### %s (%s, dims %s)%n%nTF serving graph: %s; load average %s%n%n", model, k.id(),
                        Arrays.toString(w.dims()), graph, loadAverage());
                for (int batch : batches) {
                    float[] x = NetInputs.realistic(k, in, batch, new Random(batch * 31L + model.hashCode()));
                    List<Engine> engines = engines(k, tf, fused, c, java, x, batch, inSize, outSizes);
                    // the SavedModel with every output is the reference the check compares against
                    long[] shape = new long[in.length + 1];
                    shape[0] = batch;
                    for (int i = 0; i < in.length; i++) shape[i + 1] = in[i];
                    List<float[]> want = tf.run(List.of(new TfModel.Input(NetKind.INPUT, x, shape)), k.outputs());
                    Path xFile = tmp.resolve(model + "-" + batch + ".f32");
                    Files.write(xFile, bytes(x));
                    StringBuilder check = new StringBuilder();
                    for (Engine e : engines) {
                        if (e.name().contains("savedmodel")) continue; // the reference itself
                        check.append(agreement(model, k, e.name(), want, e.outputs()));
                    }
                    for (Peer p : peers) {
                        p.load(model, batch, xFile);
                        check.append(agreement(model, k, p.label, want, p.outputs(model, batch, tmp, outSizes)));
                    }
                    out.printf(Locale.ROOT, "batch %d, max |diff| to the SavedModel (every output, scaled = |diff| / max(1, |SavedModel|)):%s%n",
                            batch, check);
                }
                out.println();
                out.println("| batch | engine | median µs/call | p10 | p90 | inferences/s | calls | vs TF served |");
                out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
                for (int batch : batches) {
                    float[] x = NetInputs.realistic(k, in, batch, new Random(batch * 31L + model.hashCode()));
                    List<Engine> engines = engines(k, tf, fused, c, java, x, batch, inSize, outSizes);
                    List<Stats> stats = time(model, batch, engines, peers, seconds, warmup, slice);
                    double tfMedian = stats.get(0).median();
                    String load = loadAverage();
                    for (Stats s : stats) {
                        double med = s.median();
                        out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.0f | %d | %.2fx |%n", batch, s.engine(), med,
                                s.p10(), s.p90(), batch / (med / 1e6), s.sortedNanos().length, tfMedian / med);
                        if (tsv != null) {
                            tsv.write(String.format(Locale.ROOT, "%s\t%d\t%s\t%.1f\t%.1f\t%.1f\t%.0f\t%d\t%.3f\t%s%n", model, batch,
                                    s.engine(), med, s.p10(), s.p90(), batch / (med / 1e6), s.sortedNanos().length,
                                    tfMedian / med, load.split(" ")[0]));
                            tsv.flush();
                        }
                    }
                }
                out.printf(Locale.ROOT, "%nload average after %s: %s%n", model, loadAverage());
            } finally {
                if (fused != null) fused.close();
            }
        }
    }

    private static List<Engine> engines(NetKind k, TfModel tf, AutoCloseable fused, Net c, Net java, float[] x, int batch,
                                        int inSize, int[] outSizes) {
        long[] shape = switch (k) {
            case FORECASTER -> new long[] {batch, 10, 6};
            case POLICY -> new long[] {batch, inSize};
            case AUTOENCODER, DEGRADATION -> new long[] {batch, c.weights().dims()[0], c.weights().dims()[1]};
        };
        List<TfModel.Input> feed = List.of(new TfModel.Input(NetKind.INPUT, x, shape));
        List<String> fetch = servedOutputs(k);
        List<Engine> engines = new ArrayList<>();
        Engine savedModel = new Engine() {
            public String name() { return fused == null ? "tf-served (savedmodel)" : "tf-savedmodel"; }
            public void call() { tf.run(feed, fetch); }
            public float[][] outputs() { return tf.run(feed, k.outputs()).toArray(new float[0][]); }
        };
        if (fused instanceof FusedForecasterGraph g) {
            engines.add(new Engine() {
                public String name() { return "tf-served (fused-lstm)"; }
                public void call() { g.run(x, batch); }
                public float[][] outputs() { return new float[][] {g.run(x, batch)}; }
            });
        } else if (fused instanceof FusedDegradationGraph g) {
            engines.add(new Engine() {
                public String name() { return "tf-served (fused-lstm)"; }
                public void call() { g.run(x, batch); }
                public float[][] outputs() {
                    FusedDegradationGraph.Outputs o = g.run(x, batch);
                    return new float[][] {o.y(), o.prob(), o.attention()};
                }
            });
        }
        engines.add(savedModel);
        for (Net net : List.of(c, java)) {
            float[][] outs = new float[outSizes.length][];
            for (int i = 0; i < outs.length; i++) outs[i] = new float[batch * outSizes[i]];
            engines.add(new Engine() {
                public String name() { return net == c ? "native-c" : "pure-java"; }
                public void call() { net.forward(x, batch, outs); }
                public float[][] outputs() {
                    net.forward(x, batch, outs);
                    float[][] copy = new float[outs.length][];
                    for (int i = 0; i < outs.length; i++) copy[i] = outs[i].clone();
                    return copy;
                }
                public boolean slow() { return net == java; }
            });
        }
        return engines;
    }

    private static String agreement(String model, NetKind k, String engine, List<float[]> want, float[][] got) {
        StringBuilder s = new StringBuilder(" ").append(engine);
        for (int i = 0; i < want.size(); i++) {
            double abs = Nets.maxAbsDiff(want.get(i), got[i]), scaled = Nets.scaledDiff(want.get(i), got[i]);
            s.append(String.format(Locale.ROOT, " %s %.2g", k.outputs().get(i), abs));
            if (scaled != abs) s.append(String.format(Locale.ROOT, " (scaled %.2g)", scaled));
            if (!(scaled <= Nets.TOLERANCE)) {
                throw new IllegalStateException(model + " on " + engine + ": " + k.outputs().get(i)
                        + " differs from the SavedModel by " + abs + " (scaled " + scaled + "); timings would be meaningless");
            }
        }
        return s.append(';').toString();
    }

    /** Warm-up, then JVM engines call by call in slices, each peer after each slice; the first row is tf-served. */
    private static List<Stats> time(String model, int batch, List<Engine> engines, List<Peer> peers, double seconds,
                                    double warmup, double slice) throws IOException {
        for (Engine e : engines) {
            long end = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < end) e.call();
        }
        for (Peer p : peers) p.time(model, batch, warmup);
        List<List<Long>> times = new ArrayList<>();
        for (int i = 0; i < engines.size() + peers.size(); i++) times.add(new ArrayList<>());
        long budget = (long) (seconds * 1e9), spent = 0, sliceNanos = (long) (slice * 1e9);
        int round = 0;
        // at least MIN_CALLS calls of every engine that runs each round (the large batches of the slow graphs take
        // tens of ms a call), but never past 4x the budget
        while ((spent < budget || fewestCalls(engines, times) < MIN_CALLS) && spent < 4 * budget) {
            long start = System.nanoTime();
            do {
                for (int i = 0; i < engines.size(); i++) {
                    if (engines.get(i).slow() && round % 8 != 0) continue;
                    long t0 = System.nanoTime();
                    engines.get(i).call();
                    long dt = System.nanoTime() - t0;
                    times.get(i).add(dt);
                    spent += dt;
                }
                round++;
            } while (System.nanoTime() - start < sliceNanos);
            double share = (System.nanoTime() - start) / 1e9 / engines.size();
            for (int p = 0; p < peers.size(); p++) {
                for (long t : peers.get(p).time(model, batch, share)) times.get(engines.size() + p).add(t);
            }
        }
        List<Stats> stats = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            String name = i < engines.size() ? engines.get(i).name() : peers.get(i - engines.size()).label;
            stats.add(new Stats(name, times.get(i).stream().mapToLong(Long::longValue).sorted().toArray()));
        }
        return stats;
    }

    static final int MIN_CALLS = 20;

    private static int fewestCalls(List<Engine> engines, List<List<Long>> times) {
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < engines.size(); i++) {
            if (!engines.get(i).slow()) fewest = Math.min(fewest, times.get(i).size());
        }
        return fewest;
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** A torch_nets.py --serve process; one command at a time. */
    static final class Peer implements AutoCloseable {
        final String label;
        private final Process process;
        private final BufferedReader in;
        private final Writer cmd;

        private Peer(String label, Process process) {
            this.label = label;
            this.process = process;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.cmd = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static Peer start(String label, String command, Path script, List<String> files, PrintStream out) throws IOException {
            List<String> argv = new ArrayList<>(List.of(command.trim().split("\\s+")));
            argv.addAll(List.of(script.toString(), "--serve", "--threads", "1"));
            argv.addAll(files);
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Peer peer = new Peer(label, p);
            out.println("peer " + label + ": " + String.join(" ", argv.subList(0, argv.size() - files.size())));
            for (String line; (line = peer.in.readLine()) != null; ) {
                if (line.equals("ready")) return peer;
                out.println("  " + line);
            }
            peer.close();
            throw new IOException("peer " + label + " (" + command + ") exited before it was ready; its golden check or start failed (stderr above)");
        }

        private String ask(String line) throws IOException {
            cmd.write(line + "\n");
            cmd.flush();
            String answer = in.readLine();
            if (answer == null) throw new IOException("peer " + label + " exited during '" + line + "'");
            if (answer.startsWith("error")) throw new IOException("peer " + label + " answered '" + answer + "' to '" + line + "'");
            return answer;
        }

        void load(String model, int batch, Path x) throws IOException {
            ask("load " + model + " " + batch + " " + x.toAbsolutePath());
        }

        float[][] outputs(String model, int batch, Path tmp, int[] outSizes) throws IOException {
            Path f = tmp.resolve(label.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + model + "-" + batch + ".out");
            Files.deleteIfExists(f);
            ask("out " + model + " " + batch + " " + f.toAbsolutePath());
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            float[][] outs = new float[outSizes.length][];
            for (int i = 0; i < outs.length; i++) {
                outs[i] = new float[batch * outSizes[i]];
                b.asFloatBuffer().get(outs[i]);
                b.position(b.position() + outs[i].length * 4);
            }
            if (b.hasRemaining()) throw new IOException("peer " + label + " wrote " + b.remaining() + " bytes more than " + model + "'s outputs");
            return outs;
        }

        long[] time(String model, int batch, double seconds) throws IOException {
            String a = ask(String.format(Locale.ROOT, "time %s %d %.4f", model, batch, seconds));
            if (!a.startsWith("times ")) throw new IOException("peer " + label + " answered '" + a + "'");
            return Arrays.stream(a.substring(6).trim().split(" ")).mapToLong(Long::parseLong).toArray();
        }

        @Override
        public void close() {
            try {
                cmd.write("quit\n");
                cmd.flush();
            } catch (IOException ignored) {
                // already gone: nothing to tell it
            }
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.dwcp.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issue-5 benchmark: Isolation Forest scoring (default 100 trees x 100k rows x 6 features),
 * pure Java vs JNI C vs CUDA (when available), against the peer scikit-learn
 * {@code IsolationForest.score_samples} on the same forest and data in the same run. scikit-learn fits the forest; its trees are exported in FlatForest's format and scored by every
 * implementation here, and the scores are cross-checked against scikit-learn's own.
 *
 * <p>A plain main rather than JMH: the run has to drive a Python peer, and each measured call is long
 * (tens of ms to seconds), so warm-up plus best/median of N wall-clock repetitions is adequate. Not part
 * of the unit suite; see jni/BENCHMARKS.md for the command. In package io.dwcp.jni (its own source set)
 * so that it can name the package-private implementations.
 */
public final class KernelBench {
    /** Java first: it is the reference the others are checked against. */
    private static final Implementation[] REFERENCE_FIRST = {Implementation.JAVA, Implementation.C, Implementation.CUDA};

    public static void main(String[] args) throws Exception {
        int rows = intArg(args, "--rows", 100_000);
        int trees = intArg(args, "--trees", 100);
        int nf = intArg(args, "--features", 6);
        int reps = intArg(args, "--reps", 7);
        String python = strArg(args, "--python", "/usr/bin/python3");
        Path dir = Path.of(strArg(args, "--dir", "target/bench"));
        Path script = Path.of(strArg(args, "--script", "src/bench/python/sklearn_peer.py"));
        Files.createDirectories(dir);

        System.out.println("## Machine");
        System.out.println("- " + machine());
        System.out.println("- java " + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("- " + Kernels.describe());
        System.out.println("- load average before: " + loadAverage());

        // Data: a Gaussian cloud with 1 % scattered outliers, rounded to float so that scikit-learn's
        // float32 copy of X is exact and both sides compare identical values with the thresholds.
        Random rnd = new Random(1);
        double[] x = new double[rows * nf];
        for (int r = 0; r < rows; r++) {
            boolean outlier = rnd.nextDouble() < 0.01;
            for (int f = 0; f < nf; f++) {
                double v = outlier ? rnd.nextDouble() * 16 - 8 : rnd.nextGaussian();
                x[r * nf + f] = (float) v;
            }
        }
        Path data = dir.resolve("rows.f64");
        writeDoubles(data, x);

        Path forestFile = dir.resolve("forest.dwif");
        Path skScores = dir.resolve("sklearn_scores.f64");
        List<String> cmd = List.of(python, script.toString(), "--data", data.toString(), "--rows", "" + rows,
                "--features", "" + nf, "--trees", "" + trees, "--reps", "" + reps, "--forest-out", forestFile.toString(),
                "--scores-out", skScores.toString());
        System.out.println("- peer: " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json;
        try (InputStream in = p.getInputStream()) {
            json = new String(in.readAllBytes());
        }
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("peer failed (exit " + p.exitValue() + "): " + json);
        }
        System.out.println("- peer says: " + json.trim());
        double[] skTimes = jsonArray(json, "score_s");

        FlatForest forest;
        try (InputStream in = Files.newInputStream(forestFile)) {
            forest = FlatForest.read(in);
        }
        double[] sk = readDoubles(skScores, rows);

        System.out.println();
        System.out.printf(Locale.ROOT, "## Isolation Forest scoring: %d trees (%d nodes), %d rows x %d features%n%n",
                forest.nTrees(), forest.nNodes(), rows, nf);
        System.out.println("| implementation | best ms | median ms | ns/row | vs scikit-learn (best) | vs Java reference (best) | check |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        double skBest = min(skTimes) * 1e3;
        row("scikit-learn " + "score_samples (peer)", skBest, median(skTimes) * 1e3, rows, skBest, Double.NaN, "reference of the check");

        double[] ref = new double[rows];
        double[] tr;
        try (ForestScorer s = new ReferenceForestScorer(forest)) {
            tr = time(reps, () -> s.score(x, rows, ref));
        }
        double javaBest = min(tr) * 1e3;
        row("java reference (FlatForest arrays, branchy walk)", javaBest, median(tr) * 1e3, rows, skBest, javaBest,
                check(ref, ref, sk));
        for (Implementation impl : REFERENCE_FIRST) {
            if (!Kernels.isAvailable(impl)) {
                System.out.println("| " + impl.id() + " | n/a | | | | | " + Kernels.reasons().get(impl) + " |");
                continue;
            }
            double[] out = new double[rows];
            double[] t;
            try (ForestScorer s = ForestScorer.create(forest, impl)) {
                t = time(reps, () -> s.score(x, rows, out));
            }
            row(impl.id() + (impl == Implementation.JAVA ? " (packed layout, the fallback)" : "") + " (double[] in/out)", min(t) * 1e3, median(t) * 1e3, rows, skBest, javaBest,
                    check(out, ref, sk));
            if (impl != Implementation.JAVA) {
                DoubleBuffer in = ByteBuffer.allocateDirect(x.length * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
                in.put(0, x);
                DoubleBuffer ob = ByteBuffer.allocateDirect(rows * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
                try (ForestScorer s = ForestScorer.create(forest, impl)) {
                    t = time(reps, () -> s.score(in, rows, ob));
                }
                ob.get(0, out);
                row(impl.id() + " (direct buffers)", min(t) * 1e3, median(t) * 1e3, rows, skBest, javaBest,
                        check(out, ref, sk));
            }
        }

        System.out.println();
        System.out.println("- load average after: " + loadAverage());
    }

    private static void row(String name, double best, double median, int rows, double skBest, double javaBest, String check) {
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.0f | %.1fx | %s | %s |%n", name, best, median, best * 1e6 / rows,
                skBest / best, Double.isNaN(javaBest) ? "" : String.format(Locale.ROOT, "%.2fx", javaBest / best), check);
    }

    private static String check(double[] out, double[] ref, double[] sk) {
        long differ = 0;
        double maxSk = 0;
        for (int i = 0; i < out.length; i++) {
            if (Double.doubleToRawLongBits(out[i]) != Double.doubleToRawLongBits(ref[i])) {
                differ++;
            }
            maxSk = Math.max(maxSk, Math.abs(out[i] - sk[i]));
        }
        return (differ == 0 ? "bit-identical to Java reference" : differ + " rows differ from Java reference")
                + String.format(Locale.ROOT, "; max abs diff to scikit-learn %.1e", maxSk);
    }

    /**
     * Warm-up (at least 5 calls and 2 s: JIT tiers, first touch, CUDA lazy module loading), then reps
     * timed calls, in seconds.
     */
    private static double[] time(int reps, Runnable r) {
        long until = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < 5 || System.nanoTime() < until; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) * 1e-9;
        }
        return t;
    }

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] jsonArray(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }

    private static void writeDoubles(Path p, double[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(a);
        Files.write(p, b.array());
    }

    private static double[] readDoubles(Path p, int n) throws IOException {
        double[] a = new double[n];
        ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(a);
        return a;
    }

    private static String machine() {
        String model = "unknown CPU";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    model = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux: keep "unknown"
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " CPUs visible to the JVM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static int intArg(String[] args, String name, int dflt) {
        String v = strArg(args, name, null);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private static String strArg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}

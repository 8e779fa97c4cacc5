package io.dwcp.jni;

import io.dwcp.jni.nets.NativeNets;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * The JNI libraries of this JVM's platform, loaded the way the agent loads them and checked, as a program: run by
 * src/test/sh/arm64-jni-check.sh on an arm64 JVM under qemu-user (issue 16), where the unit suite's JUnit run would
 * take too long. Not a JUnit test (the suite covers the same on the build host).
 *
 * <p>{@code NativeLoadCheck weights.dwcpnet...}: the C forest kernel against the Java reference, bit for bit; each
 * network on the C kernels, golden-checked at load ({@link Nets#load(NetWeights, Implementation)}). Exit status 0
 * when all hold, 1 otherwise.
 */
public final class NativeLoadCheck {
    private NativeLoadCheck() {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf(Locale.ROOT, "os.arch %s, java %s%n", System.getProperty("os.arch"),
                System.getProperty("java.version"));
        NativeCpu.ensureAvailability();
        Random rnd = new Random(16);
        FlatForest forest = TestForests.random(rnd, 20, 6, 8);
        int n = 4000;
        double[] rows = TestForests.rows(rnd, n, 6);
        double[] want = new double[n];
        double[] got = new double[n];
        try (ReferenceForestScorer ref = new ReferenceForestScorer(forest);
                ForestScorer c = ForestScorer.create(forest, Implementation.C)) {
            ref.score(rows, n, want);
            c.score(rows, n, got);
        }
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                differ++;
            }
        }
        System.out.printf(Locale.ROOT, "forest C: %d of %d rows differ from the Java reference%n", differ, n);

        NativeNets.ensureAvailability();
        System.out.printf(Locale.ROOT, "networks C: isa %s%n", NativeNets.isa());
        for (String file : args) {
            NetWeights w = NetWeights.read(Path.of(file));
            try (Net net = Nets.load(w, Implementation.C)) {
                System.out.printf(Locale.ROOT, "%s on %s: golden max diff %.3g%n", w.model(),
                        net.implementation().id(), Nets.goldenMaxDiff(net));
            }
        }
        if (differ != 0 || args.length == 0) {
            System.out.println(args.length == 0 ? "no weights files given" : "forest mismatch");
            System.exit(1);
        }
        System.out.println("native load check: ok");
    }
}

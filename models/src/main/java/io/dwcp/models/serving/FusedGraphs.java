package io.dwcp.models.serving;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What the fused serving rewrites share ({@link FusedForecasterGraph}, {@link FusedDegradationGraph}): a rewrite
 * serves only after it computed what the SavedModel computes, and the comparison that decides it.
 */
final class FusedGraphs {
    private FusedGraphs() {}

    /** The graph that serves (null: the SavedModel's own) and the line that says which and why. */
    record Served<G>(G graph, String engine) {}

    /**
     * Builds the rewrite and checks it ({@code verify} returns the largest difference or throws); on any failure
     * the rewrite is closed and the SavedModel serves, with the reason in {@link Served#engine()}.
     */
    static <G extends AutoCloseable> Served<G> serve(boolean fused, Supplier<G> build, ToDoubleFunction<G> verify) {
        if (!fused) {
            return new Served<>(null, "savedmodel");
        }
        G g = null;
        try {
            g = build.get();
            double diff = verify.applyAsDouble(g);
            return new Served<>(g, String.format(Locale.ROOT, "fused-lstm (max diff vs SavedModel %.1e)", diff));
        } catch (RuntimeException e) {
            if (g != null) {
                try {
                    g.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            return new Served<>(null, "savedmodel (fused graph refused: " + e.getMessage() + ")");
        }
    }

    /**
     * The largest absolute difference between the SavedModel's values and the rewrite's; throws when the lengths
     * differ or any difference is above {@code tolerance} (NaN included).
     */
    static double maxDifference(String what, float[] want, float[] got, double tolerance) {
        if (want.length != got.length) {
            throw new IllegalStateException(what + ": the rewrite gives " + got.length + " values where the SavedModel gives "
                    + want.length);
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            if (!(d <= tolerance)) {
                throw new IllegalStateException(what + " differs from the SavedModel by " + d + " at value " + i);
            }
            worst = Math.max(worst, d);
        }
        return worst;
    }
}

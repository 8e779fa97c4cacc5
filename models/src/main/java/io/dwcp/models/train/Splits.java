package io.dwcp.models.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic splits of whole series (by link, node, trace or cluster — never by row), so no window
 * of a held-out series is ever seen in training. Thread-safe.
 */
public final class Splits {
    private Splits() {}

    /** A train/validation/test partition. */
    public record Split<T>(List<T> train, List<T> val, List<T> test) {}

    /** Shuffles a copy with {@code seed} and cuts it at {@code trainFrac} and {@code trainFrac+valFrac}. */
    public static <T> Split<T> bySeries(List<T> items, double trainFrac, double valFrac, long seed) {
        List<T> copy = new ArrayList<>(items);
        java.util.Collections.shuffle(copy, new Random(seed));
        int n = copy.size();
        int a = (int) Math.round(n * trainFrac);
        int b = (int) Math.round(n * (trainFrac + valFrac));
        a = Math.max(1, Math.min(a, n - 2));
        b = Math.max(a + 1, Math.min(b, n - 1));
        return new Split<>(List.copyOf(copy.subList(0, a)), List.copyOf(copy.subList(a, b)),
                List.copyOf(copy.subList(b, n)));
    }
}

package io.dwcp.models.train;

import io.dwcp.models.data.LinkSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training-set augmentation of the bandwidth forecaster, for experiments only ({@code -Ddwcp.forecast.augment},
 * comma-separated; none by default, and the shipped artifact has none): {@code reverse} adds every training series
 * played backwards, {@code noise} a copy with i.i.d. log-normal (σ 0.1) noise on the bandwidth. Measured on the
 * leave-one-family-out runs (issue 14, models/README.md): both made the held-out family worse. Stateless.
 */
final class Augmentation {
    private Augmentation() {}

    static final List<String> KINDS = List.of(System.getProperty("dwcp.forecast.augment", "").split(",")).stream()
            .filter(x -> !x.isBlank()).toList();

    /** The series plus one augmented copy of each per kind in {@link #KINDS} (the series themselves when none). */
    static List<LinkSeries> augmented(List<LinkSeries> series, long seed) {
        if (KINDS.isEmpty()) return series;
        List<LinkSeries> out = new ArrayList<>(series);
        Random rnd = new Random(seed);
        for (String a : KINDS) {
            if (!a.equals("reverse") && !a.equals("noise")) {
                throw new IllegalArgumentException("dwcp.forecast.augment: unknown kind " + a + "; known: reverse, noise");
            }
            for (LinkSeries s : series) {
                double[][] rows = new double[s.length()][];
                boolean[] cong = new boolean[s.length()];
                for (int t = 0; t < s.length(); t++) {
                    int from = a.equals("reverse") ? s.length() - 1 - t : t;
                    rows[t] = s.rows()[from].clone();
                    cong[t] = s.congested()[from];
                    if (a.equals("noise")) rows[t][0] *= Math.exp(0.1 * rnd.nextGaussian());
                }
                out.add(new LinkSeries(s.id() + "~" + a, s.linkType(), s.stepSeconds(), rows, cong));
            }
        }
        return out;
    }
}

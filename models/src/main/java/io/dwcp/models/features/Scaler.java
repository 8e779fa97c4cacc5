package io.dwcp.models.features;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-feature scaling written once and used by training and serving: {@code y = (f(x) - center) / scale}
 * where {@code f} is {@code log1p} for the features flagged in {@link #log1p()} (heavy-tailed values such
 * as bandwidth, payload size, loss) and the identity otherwise.
 *
 * <p>Two fits: {@link Kind#STANDARD} (mean / standard deviation) and {@link Kind#ROBUST} (median /
 * inter-quartile range, scikit-learn's RobustScaler), the latter for the latency autoencoder whose
 * training data has heavy tails. A zero spread is replaced by 1 so a constant feature maps to 0 rather
 * than to NaN. Serialised in {@code metadata.json}; immutable and thread-safe.
 */
public record Scaler(Kind kind, boolean[] log1p, double[] center, double[] scale) {

    /** How center and scale were fitted. */
    public enum Kind { STANDARD, ROBUST, IDENTITY }

    @JsonCreator
    public Scaler(@JsonProperty("kind") Kind kind, @JsonProperty("log1p") boolean[] log1p,
                  @JsonProperty("center") double[] center, @JsonProperty("scale") double[] scale) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.log1p = log1p.clone();
        this.center = center.clone();
        this.scale = scale.clone();
        if (log1p.length != center.length || center.length != scale.length) {
            throw new IllegalArgumentException("scaler arrays differ in length");
        }
        for (int i = 0; i < scale.length; i++) {
            if (!(scale[i] > 0) || !Double.isFinite(scale[i]) || !Double.isFinite(center[i])) {
                throw new IllegalArgumentException("scaler feature " + i + " has center " + center[i]
                        + " scale " + scale[i]);
            }
        }
    }

    public static Scaler identity(int n) {
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        return new Scaler(Kind.IDENTITY, new boolean[n], new double[n], ones);
    }

    /** Fits on rows [n][features]; {@code logMask} may be null (no log transform). */
    public static Scaler fit(Kind kind, double[][] rows, boolean[] logMask) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a scaler on zero rows");
        }
        int d = rows[0].length;
        boolean[] lg = logMask == null ? new boolean[d] : logMask.clone();
        double[] c = new double[d];
        double[] s = new double[d];
        double[] col = new double[rows.length];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < rows.length; i++) {
                col[i] = f(rows[i][j], lg[j]);
            }
            switch (kind) {
                case STANDARD -> {
                    double m = 0;
                    for (double v : col) m += v;
                    m /= col.length;
                    double v2 = 0;
                    for (double v : col) v2 += (v - m) * (v - m);
                    c[j] = m;
                    s[j] = Math.sqrt(v2 / col.length);
                }
                case ROBUST -> {
                    double[] sorted = col.clone();
                    Arrays.sort(sorted);
                    c[j] = quantile(sorted, 0.5);
                    s[j] = quantile(sorted, 0.75) - quantile(sorted, 0.25);
                    if (!(s[j] > 1e-12)) {
                        // Rare discrete events (a leader change in 0.5% of steps, one node missing) have IQR 0.
                        // Not the std: it is tiny, so one normal leader change would score as ~14 units and
                        // swamp the reconstruction error (measured). Use the full range instead.
                        s[j] = sorted[sorted.length - 1] - sorted[0];
                    }
                }
                case IDENTITY -> {
                    c[j] = 0;
                    s[j] = 1;
                }
            }
            if (!(s[j] > 1e-12)) {
                s[j] = 1.0;
            }
        }
        return new Scaler(kind, lg, c, s);
    }

    /** Linear-interpolated quantile of sorted values (numpy's default). */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 1) return sorted[0];
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double f(double x, boolean log) {
        return log ? Math.log1p(Math.max(x, 0.0)) : x;
    }

    public int size() {
        return center.length;
    }

    public double transform(int feature, double x) {
        return (f(x, log1p[feature]) - center[feature]) / scale[feature];
    }

    public double inverse(int feature, double y) {
        double v = y * scale[feature] + center[feature];
        return log1p[feature] ? Math.expm1(v) : v;
    }

    public double[] transform(double[] row) {
        check(row.length);
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) out[j] = transform(j, row[j]);
        return out;
    }

    public double[] inverse(double[] row) {
        check(row.length);
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) out[j] = inverse(j, row[j]);
        return out;
    }

    /** Scales a raw window [steps][features] into a float row-major buffer at {@code offset}. */
    public void transformInto(float[][] window, float[] dst, int offset) {
        int k = offset;
        for (float[] step : window) {
            check(step.length);
            for (int j = 0; j < step.length; j++) dst[k++] = (float) transform(j, step[j]);
        }
    }

    private void check(int n) {
        if (n != center.length) {
            throw new IllegalArgumentException("expected " + center.length + " features, got " + n);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && kind == s.kind && Arrays.equals(log1p, s.log1p)
                && Arrays.equals(center, s.center) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(center) * 31 + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Scaler[" + kind + ", center=" + Arrays.toString(center) + ", scale=" + Arrays.toString(scale) + "]";
    }
}

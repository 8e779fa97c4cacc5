package io.dwcp.jni;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-feature scaling applied while packing windows: {@code (x - center[f]) / scale[f]} in float.
 * {@link #robust} is (x - median) / IQR, {@link #standard} is (x - mean) / std. The parameters come from
 * the model's metadata (models/ owns how they are fitted); a zero or non-finite spread is refused here
 * rather than silently replaced: map a constant feature's zero spread to 1 where the scaler is fitted.
 *
 * <p>Immutable and thread-safe.
 */
public final class Scaling {
    private final String kind;
    private final float[] center;
    private final float[] scale;

    private Scaling(String kind, float[] center, float[] scale) {
        Objects.requireNonNull(center, "center");
        Objects.requireNonNull(scale, "scale");
        if (center.length == 0 || center.length != scale.length) {
            throw new IllegalArgumentException(kind + " scaling: center has " + center.length + " values, scale "
                    + scale.length + " (need the same, >= 1)");
        }
        for (int f = 0; f < center.length; f++) {
            if (!Float.isFinite(center[f])) {
                throw new IllegalArgumentException(kind + " scaling: center of feature " + f + " is " + center[f]);
            }
            if (!(scale[f] > 0) || !Float.isFinite(scale[f])) {
                throw new IllegalArgumentException(kind + " scaling: scale of feature " + f + " must be finite and > 0, got "
                        + scale[f]);
            }
        }
        this.kind = kind;
        this.center = center.clone();
        this.scale = scale.clone();
    }

    /** (x - median) / iqr per feature. */
    public static Scaling robust(float[] median, float[] iqr) {
        return new Scaling("robust", median, iqr);
    }

    /** (x - mean) / std per feature. */
    public static Scaling standard(float[] mean, float[] std) {
        return new Scaling("standard", mean, std);
    }

    /** No scaling ((x - 0) / 1, which is x exactly). */
    public static Scaling identity(int nFeatures) {
        float[] c = new float[nFeatures];
        float[] s = new float[nFeatures];
        Arrays.fill(s, 1f);
        return new Scaling("identity", c, s);
    }

    public String kind() {
        return kind;
    }

    public int nFeatures() {
        return center.length;
    }

    public float[] center() {
        return center.clone();
    }

    public float[] scale() {
        return scale.clone();
    }

    float[] centerRef() {
        return center;
    }

    float[] scaleRef() {
        return scale;
    }

    @Override
    public String toString() {
        return "Scaling[" + kind + ", " + center.length + " features]";
    }
}

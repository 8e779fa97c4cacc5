package io.dwcp.agent.spec;

import io.dwcp.models.features.Scaler;

/** Realistic smoke inputs (each feature's training centre, from the model's own scaler) and output checks. */
final class SmokeChecks {
    private SmokeChecks() {}

    static float[] centreRow(Scaler s) {
        double[] raw = s.inverse(new double[s.size()]);
        float[] row = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            row[i] = (float) raw[i];
        }
        return row;
    }

    static float[][] centreWindow(Scaler s, int steps) {
        float[][] w = new float[steps][];
        for (int t = 0; t < steps; t++) {
            w[t] = centreRow(s);
        }
        return w;
    }

    static void finite(String model, double... v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                throw new IllegalStateException(model + ": smoke inference gave a non-finite output");
            }
        }
    }

    static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}

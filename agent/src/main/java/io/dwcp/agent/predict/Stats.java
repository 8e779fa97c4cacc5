package io.dwcp.agent.predict;

import java.util.Arrays;

/** Small numeric helpers for the baselines. */
final class Stats {
    private Stats() {}

    static double median(double[] a, int n) {
        double[] c = Arrays.copyOf(a, n);
        Arrays.sort(c);
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }

    /** Median absolute deviation. */
    static double mad(double[] a, int n, double median) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.abs(a[i] - median);
        }
        return median(d, n);
    }

    static double clamp01(double x) {
        return x < 0 ? 0 : (x > 1 ? 1 : x);
    }
}

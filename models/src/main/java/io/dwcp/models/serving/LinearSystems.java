package io.dwcp.models.serving;

/**
 * Small dense linear systems: the Newton and IRLS steps of the fits that train and serve together (the degradation
 * stack, the study's linear forecasters). Their systems are normal equations with a ridge term on the diagonal, a
 * handful of unknowns, so plain elimination is exact enough and nothing heavier is pulled in.
 */
public final class LinearSystems {
    private LinearSystems() {}

    /**
     * Solves {@code a·x = b} by Gaussian elimination with partial pivoting; the arguments are not changed.
     *
     * @throws IllegalArgumentException when the system is singular (a zero pivot)
     */
    public static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            if (Math.abs(a[c][c]) < 1e-300) throw new IllegalArgumentException("singular " + n + "×" + n + " system");
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r][k] * x[k];
            x[r] = s / a[r][r];
        }
        return x;
    }
}

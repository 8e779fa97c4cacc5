package io.dwcp.models.data;

import java.util.SplittableRandom;

/** Seeded random draws used by the generators (normal, lognormal, Poisson, exponential). Not thread-safe. */
final class Rng {
    private final SplittableRandom r;
    private double spare = Double.NaN;

    Rng(long seed) {
        r = new SplittableRandom(seed);
    }

    double uniform() {
        return r.nextDouble();
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    int nextInt(int n) {
        return r.nextInt(n);
    }

    int nextInt(int lo, int hiInclusive) {
        return lo + r.nextInt(hiInclusive - lo + 1);
    }

    boolean bernoulli(double p) {
        return r.nextDouble() < p;
    }

    /** Standard normal by Box-Muller (deterministic given the seed). */
    double normal() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return s;
        }
        double u1, u2;
        do {
            u1 = r.nextDouble();
        } while (u1 <= 1e-300);
        u2 = r.nextDouble();
        double mag = Math.sqrt(-2 * Math.log(u1));
        spare = mag * Math.sin(2 * Math.PI * u2);
        return mag * Math.cos(2 * Math.PI * u2);
    }

    double normal(double mean, double sd) {
        return mean + sd * normal();
    }

    double lognormal(double mu, double sigma) {
        return Math.exp(normal(mu, sigma));
    }

    double exponential(double mean) {
        return -mean * Math.log(1 - r.nextDouble());
    }

    int poisson(double lambda) {
        if (lambda > 30) {
            return (int) Math.max(0, Math.round(normal(lambda, Math.sqrt(lambda))));
        }
        double l = Math.exp(-lambda), p = 1;
        int k = 0;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }

    Rng split() {
        return new Rng(r.nextLong());
    }
}

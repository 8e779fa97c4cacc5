package io.dwcp.models.serving.arbitration;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calibrated prediction intervals for the next value, per key (issue 14 §3): split-conformal on the relative
 * residuals {@code r = ln(actual / served forecast)} of the key's last {@link Settings#window} steps, with
 * adaptive conformal inference (Gibbs &amp; Candès, NeurIPS 2021) on each tail so the long-run miss rate of
 * each side tracks {@code (1 - coverage) / 2} on a drifting link.
 *
 * <p>For a forecast {@code f}: {@code lower = f·exp(q(a_lo))}, {@code upper = f·exp(q(1 - a_hi))}, where
 * {@code q} is the empirical quantile (linear interpolation) of the key's stored residuals, or the
 * {@link ResidualPrior} (the model's validation residuals, from its metadata) while the key has fewer than
 * {@link Settings#minHistory}; {@code a_lo, a_hi} start at {@code (1 - coverage) / 2} and move by
 * {@code gamma·((1 - coverage)/2 - miss)} after each observed step, clamped to [0.001, 0.5].
 *
 * <p>{@code confidence = clamp(1 - w / 2, 0, 1)} with {@code w = (upper - lower) / forecast}, the interval's
 * relative width: 1 - the relative half-width, so ±10 % gives 0.9 and ±40 % gives 0.6 (at the default 80 %
 * coverage).
 *
 * <p>Protocol per key: {@link #interval}{@code (key, servedForecast)} when the forecast is made, then
 * {@link #observe(Object, double) observe}{@code (key, actual)} when the next value arrives (or
 * {@link #observe(Object, double, double)} with the forecast given explicitly).
 *
 * <p>Residuals are clamped to ±7 (a zero actual or forecast); non-finite or non-positive forecasts are not
 * observed. Memory: at most {@link Settings#maxKeys} keys (LRU), {@code window} doubles each. Thread-safe
 * (synchronized).
 */
public final class IntervalCalibrator<K> {
    static final double CLAMP = 7, MIN_ALPHA = 0.001, MAX_ALPHA = 0.5;

    /**
     * @param coverage   nominal central coverage in (0, 1), e.g. 0.8 = p10–p90
     * @param window     residuals kept per key
     * @param minHistory residuals a key needs before its own quantiles replace the prior
     * @param gamma      adaptive step of each tail's level (0 = plain split-conformal)
     * @param maxKeys    keys kept (LRU)
     */
    public record Settings(double coverage, int window, int minHistory, double gamma, int maxKeys) {
        public Settings {
            if (!(coverage > 0 && coverage < 1)) throw new IllegalArgumentException("coverage must be in (0, 1), got " + coverage);
            if (window < 2) throw new IllegalArgumentException("window must be >= 2, got " + window);
            if (minHistory < 2 || minHistory > window) {
                throw new IllegalArgumentException("minHistory must be in [2, window], got " + minHistory);
            }
            if (!(gamma >= 0 && gamma < 0.5)) throw new IllegalArgumentException("gamma must be in [0, 0.5), got " + gamma);
            if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be >= 1, got " + maxKeys);
        }
    }

    /** 80 %, 200 residuals, 20 before leaving the prior, gamma 0.005, 10,000 keys. */
    public static final Settings DEFAULTS = new Settings(0.8, 200, 20, 0.005, 10_000);

    /** An interval around {@code point}; {@code fromPrior}: the key had too little history of its own. */
    public record Interval(double lower, double point, double upper, double widthRatio, double confidence,
                           boolean fromPrior) {}

    private final ResidualPrior prior;
    private final Settings settings;
    private final LinkedHashMap<K, State> keys;

    public IntervalCalibrator(ResidualPrior prior, Settings settings) {
        this.prior = prior;
        this.settings = settings;
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, State> e) {
                return size() > IntervalCalibrator.this.settings.maxKeys();
            }
        };
    }

    public Settings settings() {
        return settings;
    }

    /** {@code clamp(1 - widthRatio / 2, 0, 1)}; NaN width gives 0. */
    public static double confidence(double widthRatio) {
        if (!(widthRatio >= 0)) return 0;
        return Math.max(0, Math.min(1, 1 - widthRatio / 2));
    }

    /** The interval for the key's next value around the served forecast {@code point}. */
    public synchronized Interval interval(K key, double point) {
        State s = keys.computeIfAbsent(key, k -> new State(settings.window(), (1 - settings.coverage()) / 2));
        s.pendingPoint = point;
        double aLo = s.aLo, aHi = s.aHi;
        boolean fromPrior = s.count < settings.minHistory();
        double qLo = fromPrior ? prior.quantile(aLo) : s.quantile(aLo);
        double qHi = fromPrior ? prior.quantile(1 - aHi) : s.quantile(1 - aHi);
        if (!(point > 0) || !Double.isFinite(point)) {
            double p = Double.isFinite(point) ? Math.max(0, point) : Double.NaN;
            return new Interval(p, p, p, Double.NaN, 0, fromPrior);
        }
        double lo = point * Math.exp(qLo), hi = point * Math.exp(qHi);
        double w = (hi - lo) / point;
        return new Interval(lo, point, hi, w, confidence(w), fromPrior);
    }

    /**
     * Records the key's actual value against the point of the key's last {@link #interval} call (the served
     * forecast for this step); nothing happens when there was none since the last observation.
     */
    public synchronized void observe(K key, double actual) {
        State s = keys.get(key);
        double p = s == null ? Double.NaN : s.pendingPoint;
        if (s != null) s.pendingPoint = Double.NaN;
        if (Double.isFinite(p)) observe(key, p, actual);
    }

    /** Records the key's actual value for a step whose served forecast was {@code forecast}. */
    public synchronized void observe(K key, double forecast, double actual) {
        if (!(forecast > 0) || !Double.isFinite(forecast) || !Double.isFinite(actual) || actual < 0) return;
        State s = keys.computeIfAbsent(key, k -> new State(settings.window(), (1 - settings.coverage()) / 2));
        double r = Math.max(-CLAMP, Math.min(CLAMP, Math.log(Math.max(actual, 1e-12) / forecast)));
        boolean fromPrior = s.count < settings.minHistory();
        double qLo = fromPrior ? prior.quantile(s.aLo) : s.quantile(s.aLo);
        double qHi = fromPrior ? prior.quantile(1 - s.aHi) : s.quantile(1 - s.aHi);
        double tail = (1 - settings.coverage()) / 2;
        s.aLo = clampAlpha(s.aLo + settings.gamma() * (tail - (r < qLo ? 1 : 0)));
        s.aHi = clampAlpha(s.aHi + settings.gamma() * (tail - (r > qHi ? 1 : 0)));
        s.add(r);
    }

    private static double clampAlpha(double a) {
        return Math.max(MIN_ALPHA, Math.min(MAX_ALPHA, a));
    }

    /** Residuals stored for the key (0 for an unknown one). */
    public synchronized int history(K key) {
        State s = keys.get(key);
        return s == null ? 0 : s.count;
    }

    public synchronized int keyCount() {
        return keys.size();
    }

    public synchronized void forget(K key) {
        keys.remove(key);
    }

    /** Quantile at level {@code p} of the first {@code n} values of {@code sorted} (linear interpolation, R type 7). */
    static double quantileSorted(double[] sorted, int n, double p) {
        if (n == 1) return sorted[0];
        double h = (n - 1) * Math.max(0, Math.min(1, p));
        int i = (int) Math.floor(h);
        if (i >= n - 1) return sorted[n - 1];
        return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
    }

    static final class State {
        final double[] ring;
        /**
         * The ring's values in {@link Arrays#sort(double[])} order, kept so by each {@link #add}: one evicted value
         * out, one new value in, O(window) moves. Each forecast and each observation reads two quantiles, and sorting
         * a copy of the ring for every one of them was a quarter of the forecaster batcher's time at 20,000
         * samples/s (issue 16). The same values in the same order, so the same quantiles.
         */
        final double[] sorted;
        int head, count;
        double aLo, aHi;
        double pendingPoint = Double.NaN;

        State(int window, double tail) {
            ring = new double[window];
            sorted = new double[window];
            aLo = tail;
            aHi = tail;
        }

        void add(double r) {
            if (count == ring.length) {
                int out = Arrays.binarySearch(sorted, 0, count, ring[head]); // present: it was inserted when added
                System.arraycopy(sorted, out + 1, sorted, out, count - out - 1);
                count--;
            }
            ring[head] = r;
            head = (head + 1) % ring.length;
            int in = Arrays.binarySearch(sorted, 0, count, r);
            if (in < 0) {
                in = -in - 1;
            }
            System.arraycopy(sorted, in, sorted, in + 1, count - in);
            sorted[in] = r;
            count++;
        }

        double quantile(double p) {
            return quantileSorted(sorted, count, p);
        }
    }
}

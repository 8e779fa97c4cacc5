package io.dwcp.models.eval;

import io.dwcp.models.data.DegradationSeries.Slo;
import io.dwcp.models.features.DegradationFeatures;
import io.dwcp.models.features.TrendExtrapolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The degradation evaluation protocol of issue 19, on real throughput series where only the throughput SLO can
 * fire (latency, loss and jitter constant, their ceilings out of reach):
 * <ul>
 *   <li>throughput floor = {@code floorFraction} × the series' median;</li>
 *   <li>a <b>breach</b> at step t: the mean of steps t−4..t is below the floor (the agent's SLO check);</li>
 *   <li>an <b>event</b>: a breach after {@value #QUIET} breach-free steps;</li>
 *   <li>the predictor is <b>asked</b> every {@value #EVERY} steps with the last {@value #WINDOW} samples; asks
 *       while the link is already breaching are not forecasts and are skipped;</li>
 *   <li>an event is <b>warned early</b> when an ask {@value #EARLY_MIN}..{@value #EARLY_MAX} steps before it
 *       warned;</li>
 *   <li>an ask is <b>positive</b> when a breach follows within {@value #HORIZON} steps; the <b>false-warning
 *       rate</b> is the share of negative asks that warned; ROC-AUC ranks asks by the predictor's score.</li>
 * </ul>
 * So that predictors that warn at different rates can be compared, each is also judged at the model's
 * false-warning rate (its own threshold re-chosen on its scores). Pure; thread-safe.
 */
public final class DegradationProtocol {
    public static final int WINDOW = 60, EVERY = 5, MEAN = 5, QUIET = 30, EARLY_MIN = 10, EARLY_MAX = 30, HORIZON = 30;
    /** Constant non-throughput inputs, and SLO ceilings for them that they never reach. */
    static final double LATENCY_MS = 40, LOSS = 0.001, JITTER_MS = 1, LATENCY_CEILING_MS = 1e5, LOSS_CEILING = 0.5;

    private DegradationProtocol() {}

    /** One ask's verdict: a risk score (higher = riskier) and whether the predictor warns. */
    public record Judgement(double score, boolean warn) {}

    /** Judges a batch of raw link windows against their SLOs. */
    @FunctionalInterface
    public interface Predictor {
        Judgement[] judge(float[][][] windows, Slo[] slos);
    }

    /** All asks of one predictor over all series: scores, warnings, labels, and the events with their lead warnings. */
    public record Asks(double[] scores, boolean[] warns, boolean[] positive, int events, int warnedEarly,
                       List<int[]> eventAsks) {
        /** Share of events warned 10..30 steps ahead. */
        public double earlyDetection() {
            return events == 0 ? Double.NaN : (double) warnedEarly / events;
        }

        public double falseWarningRate() {
            long neg = 0, fw = 0;
            for (int i = 0; i < positive.length; i++) {
                if (!positive[i]) {
                    neg++;
                    if (warns[i]) {
                        fw++;
                    }
                }
            }
            return neg == 0 ? Double.NaN : (double) fw / neg;
        }

        public double rocAuc() {
            return Metrics.rocAuc(scores, positive);
        }

        /** Mean squared difference between the score (read as a probability) and the label. */
        public double brier() {
            double s = 0;
            for (int i = 0; i < scores.length; i++) {
                double d = scores[i] - (positive[i] ? 1 : 0);
                s += d * d;
            }
            return scores.length == 0 ? Double.NaN : s / scores.length;
        }

        /** Share of events warned early when warning at score {@code >= threshold} instead of {@link #warns}. */
        public double earlyDetectionAtThreshold(double threshold) {
            int warned = 0;
            for (int[] ev : eventAsks) {
                for (int a : ev) {
                    if (scores[a] >= threshold) {
                        warned++;
                        break;
                    }
                }
            }
            return events == 0 ? Double.NaN : (double) warned / events;
        }

        /** All asks of several runs as one (events and their asks re-indexed). */
        public static Asks concat(List<Asks> parts) {
            int n = 0;
            for (Asks a : parts) n += a.scores.length;
            double[] s = new double[n];
            boolean[] w = new boolean[n], p = new boolean[n];
            List<int[]> ev = new ArrayList<>();
            int off = 0, events = 0, early = 0;
            for (Asks a : parts) {
                System.arraycopy(a.scores, 0, s, off, a.scores.length);
                System.arraycopy(a.warns, 0, w, off, a.warns.length);
                System.arraycopy(a.positive, 0, p, off, a.positive.length);
                for (int[] e : a.eventAsks) {
                    int[] c = new int[e.length];
                    for (int i = 0; i < e.length; i++) c[i] = e[i] + off;
                    ev.add(c);
                }
                events += a.events;
                early += a.warnedEarly;
                off += a.scores.length;
            }
            return new Asks(s, w, p, events, early, ev);
        }

        /** Early detection when warning at the score threshold that gives false-warning rate {@code fwr}. */
        public double earlyDetectionAt(double fwr) {
            return earlyDetectionAtThreshold(thresholdFor(fwr));
        }

        /** The lowest score threshold whose false-warning rate is at most {@code fwr}. */
        public double thresholdFor(double fwr) {
            double[] neg = new double[positive.length];
            int n = 0;
            for (int i = 0; i < positive.length; i++) {
                if (!positive[i]) {
                    neg[n++] = scores[i];
                }
            }
            if (n == 0) {
                return Double.POSITIVE_INFINITY;
            }
            double[] s = Arrays.copyOf(neg, n);
            Arrays.sort(s);
            int k = (int) Math.floor((1 - fwr) * n);
            return k >= n ? Math.nextUp(s[n - 1]) : s[k];
        }
    }

    /** Raw link rows of a throughput series (other metrics constant), as the agent stores them. */
    static float[][] rows(double[] mbps, int from, int to) {
        float[][] w = new float[to - from][];
        for (int t = from; t < to; t++) {
            w[t - from] = new float[] {(float) mbps[t], (float) LATENCY_MS, (float) LOSS, (float) JITTER_MS, 0, 0};
        }
        return w;
    }

    static boolean[] breaches(double[] mbps, double floor) {
        boolean[] b = new boolean[mbps.length];
        for (int t = MEAN - 1; t < mbps.length; t++) {
            double s = 0;
            for (int i = t - MEAN + 1; i <= t; i++) {
                s += mbps[i];
            }
            b[t] = s / MEAN < floor;
        }
        return b;
    }

    /** Runs the protocol for one predictor over the series at one floor fraction. */
    public static Asks run(List<double[]> series, double floorFraction, Predictor p) {
        double[] floors = new double[series.size()];
        for (int i = 0; i < floors.length; i++) floors[i] = floorFraction * median(series.get(i));
        return runAt(series, floors, p);
    }

    /** Each series on its own (same order; a series too short for one ask gives an empty {@link Asks}). */
    public static List<Asks> perSeries(List<double[]> series, double floorFraction, Predictor p) {
        List<Asks> out = new ArrayList<>(series.size());
        for (double[] s : series) out.add(run(List.of(s), floorFraction, p));
        return out;
    }

    /** Runs the protocol with an absolute throughput floor per series ({@code floors[i]} Mbit/s for series i). */
    public static Asks runAt(List<double[]> series, double[] floors, Predictor p) {
        if (floors.length != series.size()) {
            throw new IllegalArgumentException(series.size() + " series but " + floors.length + " floors");
        }
        List<Double> scores = new ArrayList<>();
        List<Boolean> warns = new ArrayList<>();
        List<Boolean> pos = new ArrayList<>();
        List<int[]> eventAsks = new ArrayList<>();
        int events = 0, early = 0;
        for (int si = 0; si < series.size(); si++) {
            double[] bw = series.get(si);
            if (bw.length < WINDOW + HORIZON) {
                continue;
            }
            double floor = floors[si];
            boolean[] breach = breaches(bw, floor);
            List<Integer> askAt = new ArrayList<>(); // index of the last sample seen
            for (int a = WINDOW; a <= bw.length; a += EVERY) {
                if (!breach[a - 1]) {
                    askAt.add(a - 1);
                }
            }
            float[][][] w = new float[askAt.size()][][];
            Slo[] slo = new Slo[askAt.size()];
            for (int i = 0; i < w.length; i++) {
                int last = askAt.get(i);
                w[i] = rows(bw, last - WINDOW + 1, last + 1);
                slo[i] = new Slo(LATENCY_CEILING_MS, floor, LOSS_CEILING);
            }
            Judgement[] j = w.length == 0 ? new Judgement[0] : p.judge(w, slo);
            int base = scores.size();
            for (int i = 0; i < w.length; i++) {
                int last = askAt.get(i);
                boolean positive = false;
                for (int t = last + 1; t <= Math.min(bw.length - 1, last + HORIZON); t++) {
                    positive |= breach[t];
                }
                scores.add(j[i].score());
                warns.add(j[i].warn());
                pos.add(positive);
            }
            for (int e = QUIET + MEAN - 1; e < bw.length; e++) {
                if (!breach[e]) {
                    continue;
                }
                boolean quiet = true;
                for (int t = e - QUIET; t < e && quiet; t++) {
                    quiet = !breach[t];
                }
                if (!quiet) {
                    continue;
                }
                events++;
                List<Integer> lead = new ArrayList<>();
                boolean warned = false;
                for (int i = 0; i < askAt.size(); i++) {
                    int ahead = e - askAt.get(i);
                    if (ahead >= EARLY_MIN && ahead <= EARLY_MAX) {
                        lead.add(base + i);
                        warned |= j[i].warn();
                    }
                }
                early += warned ? 1 : 0;
                eventAsks.add(lead.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        double[] s = scores.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] wn = new boolean[warns.size()];
        boolean[] ps = new boolean[pos.size()];
        for (int i = 0; i < wn.length; i++) {
            wn[i] = warns.get(i);
            ps[i] = pos.get(i);
        }
        return new Asks(s, wn, ps, events, early, eventAsks);
    }

    /** The trend baseline (the agent's {@code baseline-trend}): logistic of the extrapolated breach score. */
    public static Predictor trend() {
        return (windows, slos) -> {
            Judgement[] out = new Judgement[windows.length];
            for (int i = 0; i < windows.length; i++) {
                double p = trendProbability(windows[i], slos[i]);
                out[i] = new Judgement(p, p >= 0.5);
            }
            return out;
        };
    }

    /**
     * The trend rule: a least-squares line through the last {@link TrendExtrapolation#FIT} steps of each SLO
     * headroom coordinate, extrapolated {@value #HORIZON} steps; the logistic (slope 10) of its breach score,
     * 0.5 on the SLO line. Shared with the agent's baseline.
     */
    public static double trendProbability(float[][] w, Slo slo) {
        float[] x = new float[w.length * DegradationFeatures.FEATURES];
        DegradationFeatures.transformWindow(w, slo.latencyMs(), slo.throughputMbps(), slo.errorRate(), x, 0);
        double score = TrendExtrapolation.score(TrendExtrapolation.forecast(x, w.length, HORIZON));
        return 1 / (1 + Math.exp(-10 * score));
    }

    /** Distance to floor: the floor over the mean of the last 5 samples (no forecast); never warns by itself. */
    public static Predictor distanceToFloor() {
        return (windows, slos) -> {
            Judgement[] out = new Judgement[windows.length];
            for (int i = 0; i < windows.length; i++) {
                float[][] w = windows[i];
                double s = 0;
                for (int t = w.length - MEAN; t < w.length; t++) {
                    s += w[t][0];
                }
                out[i] = new Judgement(slos[i].throughputMbps() / Math.max(1e-9, s / MEAN), false);
            }
            return out;
        };
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

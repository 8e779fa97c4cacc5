package io.dwcp.models.serving.arbitration;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-key arbitration between candidate predictors of an event probability whose outcome is known only later
 * (issue 19: "will the SLO be breached within the next {@code horizon} steps?"). The sibling of
 * {@link OnlineArbiter} (same settings, same rules), scoring each candidate's probability with the Brier score
 * {@code (p − y)²} once its horizon has passed.
 *
 * <p>Protocol per key: {@link #observe} every step with whether the SLO is breached at that step; at each ask,
 * {@link #select} with every candidate's probability. An ask is resolved when {@code horizon} steps have been
 * observed after it: positive if any of them was breached. The default candidate serves until every candidate
 * has {@link OnlineArbiter.Settings#minEvidence} resolved asks; after that the served candidate changes only when
 * another one's mean Brier over the last {@link OnlineArbiter.Settings#window} resolved asks is below
 * {@code (1 − margin)} times the served one's. A non-finite probability scores the worst (1).
 *
 * <p>Memory: at most {@code maxKeys} keys (least recently used evicted); per key {@code candidates × window}
 * scores and at most {@code horizon} pending asks. Thread-safe (synchronized).
 */
public final class OutcomeArbiter<K> {
    /** Who serves an ask: candidate name and index, its recent mean Brier (NaN before any), and whether it just changed. */
    public record Selection(String source, int index, double recentBrier, boolean switched) {}

    private final List<String> candidates;
    private final int defaultIndex;
    private final int horizon;
    private final OnlineArbiter.Settings settings;
    private final LinkedHashMap<K, State> keys;
    private long switches;
    private final long[] served;

    private final class State {
        final double[][] scores = new double[candidates.size()][settings.window()];
        final int[] count = new int[candidates.size()];
        final ArrayDeque<double[]> pending = new ArrayDeque<>(); // [stepsLeft, positive, p0, p1, ...]
        int current = defaultIndex;

        void add(int c, double s) {
            scores[c][count[c] % scores[c].length] = s;
            count[c]++;
        }

        double mean(int c) {
            int n = Math.min(count[c], scores[c].length);
            if (n == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += scores[c][i];
            }
            return sum / n;
        }
    }

    public OutcomeArbiter(List<String> candidates, String defaultCandidate, int horizon, OnlineArbiter.Settings settings) {
        if (candidates.isEmpty() || !candidates.contains(defaultCandidate) || horizon < 1) {
            throw new IllegalArgumentException("candidates " + candidates + " must include " + defaultCandidate
                    + " and horizon must be >= 1");
        }
        this.candidates = List.copyOf(candidates);
        this.defaultIndex = candidates.indexOf(defaultCandidate);
        this.horizon = horizon;
        this.settings = settings;
        this.served = new long[candidates.size()];
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, State> e) {
                return size() > OutcomeArbiter.this.settings.maxKeys();
            }
        };
    }

    public List<String> candidates() {
        return candidates;
    }

    /** One step of the key: resolves the asks whose horizon it completes. */
    public synchronized void observe(K key, boolean breached) {
        State s = keys.get(key);
        if (s == null) {
            return;
        }
        for (Iterator<double[]> it = s.pending.iterator(); it.hasNext(); ) {
            double[] a = it.next();
            if (breached) {
                a[1] = 1;
            }
            if (--a[0] <= 0) {
                for (int c = 0; c < candidates.size(); c++) {
                    double p = a[2 + c];
                    s.add(c, Double.isFinite(p) ? (p - a[1]) * (p - a[1]) : 1);
                }
                it.remove();
            }
        }
    }

    /** Records the candidates' probabilities for this ask and says who serves it. */
    public synchronized Selection select(K key, double[] probabilities) {
        if (probabilities.length != candidates.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + candidates.size() + " candidates");
        }
        State s = keys.computeIfAbsent(key, k -> new State());
        if (s.pending.size() >= horizon) {
            s.pending.pollFirst(); // more asks than steps (a request storm): the oldest goes unscored
        }
        double[] a = new double[2 + candidates.size()];
        a[0] = horizon;
        System.arraycopy(probabilities, 0, a, 2, probabilities.length);
        s.pending.addLast(a);
        boolean evidence = Arrays.stream(s.count).allMatch(n -> n >= settings.minEvidence());
        boolean switched = false;
        if (evidence) {
            int best = s.current;
            for (int c = 0; c < candidates.size(); c++) {
                if (s.mean(c) < s.mean(best)) {
                    best = c;
                }
            }
            if (best != s.current && s.mean(best) < (1 - settings.margin()) * s.mean(s.current)) {
                s.current = best;
                switches++;
                switched = true;
            }
        }
        int use = s.current;
        if (!Double.isFinite(probabilities[use])) {
            use = defaultIndex;
        }
        served[use]++;
        return new Selection(candidates.get(use), use, s.mean(use), switched);
    }

    /** Who the key's arbitration prefers now (the default for an unknown key). */
    public synchronized String current(K key) {
        State s = keys.get(key);
        return candidates.get(s == null ? defaultIndex : s.current);
    }

    /** A candidate's mean Brier over the key's recent resolved asks; empty for an unknown key or before any. */
    public synchronized Optional<Double> recentBrier(K key, String candidate) {
        State s = keys.get(key);
        int c = candidates.indexOf(candidate);
        if (s == null || c < 0 || s.count[c] == 0) {
            return Optional.empty();
        }
        return Optional.of(s.mean(c));
    }

    public synchronized long switches() {
        return switches;
    }

    public synchronized long[] servedCounts() {
        return served.clone();
    }

    public synchronized void forget(K key) {
        keys.remove(key);
    }
}

package io.dwcp.agent.spec;

import io.dwcp.models.serving.arbitration.IntervalCalibrator;
import io.dwcp.models.serving.arbitration.NaivePredictors;
import io.dwcp.models.serving.arbitration.OnlineArbiter;
import io.dwcp.models.serving.arbitration.ResidualPrior;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtime guarantee of issue 14 for one pipeline: per link, the forecaster, the naive predictors a
 * DWCP node could compute itself (last value, harmonic mean of 5, EWMA) and two robust combinations of them
 * ({@link NaivePredictors#CANDIDATES}) are scored against the link's next sample, and the one with the lowest
 * recent error serves, with hysteresis ({@link OnlineArbiter} with {@link OnlineArbiter#FORECAST}, the same
 * class and settings {@code evaluate --traces} reports with). Each served forecast carries a calibrated interval from the
 * link's recent residuals ({@link IntervalCalibrator}; the model's training residuals until the link has
 * history).
 *
 * <p>Bounded: both keep at most {@code maxLinks} links (least recently used evicted) and forget a link when
 * its window is evicted. Thread-safe: {@link #actual} runs on the pipeline worker, {@link #serve} on the
 * forecaster's batcher thread; the arbiter and calibrator synchronise, the last-served map is concurrent.
 */
final class ForecastArbitration {
    static final List<String> CANDIDATES = NaivePredictors.CANDIDATES;

    /** What serves a link's next step. */
    record Served(String source, double value, Double recentMape, IntervalCalibrator.Interval interval) {}

    private final OnlineArbiter<String> arbiter;
    private volatile IntervalCalibrator<String> intervals;
    private final double coverage;
    /** Per link, the last step's forecasts: [served, then each candidate in {@link #CANDIDATES} order]. */
    private final Map<String, double[]> last = new ConcurrentHashMap<>();
    /** APE (percent, capped as the arbiter caps it) of the served forecast and of each candidate, per scored step. */
    private final DistributionSummary servedApe;
    private final DistributionSummary[] candidateApe = new DistributionSummary[CANDIDATES.size()];
    private final int maxLinks;
    private final Counter[] served = new Counter[CANDIDATES.size()];
    private volatile Map<String, Object> priorParams;

    ForecastArbitration(int maxLinks, double coverage, MeterRegistry registry) {
        this.maxLinks = maxLinks;
        this.coverage = coverage;
        this.arbiter = new OnlineArbiter<>(CANDIDATES, NaivePredictors.MODEL, OnlineArbiter.FORECAST.withMaxKeys(maxLinks));
        this.intervals = calibrator(ResidualPrior.FALLBACK);
        for (int i = 0; i < served.length; i++) {
            served[i] = Counter.builder("dwcp.forecast.served").tag("source", CANDIDATES.get(i))
                    .description("bandwidth forecasts served, by the predictor that served them").register(registry);
        }
        FunctionCounter.builder("dwcp.forecast.arbitration.switches", arbiter, OnlineArbiter::switches)
                .description("changes of the predictor serving a link").register(registry);
        // Live MAPE over any window in PromQL: rate(..._sum) / rate(..._count); aggregate series only (no link label).
        servedApe = ape(registry, "served");
        for (int i = 0; i < CANDIDATES.size(); i++) {
            candidateApe[i] = ape(registry, CANDIDATES.get(i));
        }
    }

    private static DistributionSummary ape(MeterRegistry registry, String source) {
        return DistributionSummary.builder("dwcp.forecast.ape").tag("source", source).baseUnit("percent")
                .description("absolute percentage error of each bandwidth forecast against the link's next sample: "
                        + "source=served is what the agent sent, the others each candidate's")
                .register(registry);
    }

    private IntervalCalibrator<String> calibrator(ResidualPrior prior) {
        IntervalCalibrator.Settings d = IntervalCalibrator.DEFAULTS;
        return new IntervalCalibrator<>(prior, new IntervalCalibrator.Settings(coverage, d.window(), d.minHistory(),
                d.gamma(), maxLinks));
    }

    double coverage() {
        return coverage;
    }

    /** The link's new sample: scores the forecasts made for it. Pipeline worker. */
    void actual(String link, double bandwidthMbps) {
        arbiter.observe(link, bandwidthMbps);
        double[] f = last.remove(link);
        if (f != null) {
            intervals.observe(link, f[0], bandwidthMbps);
            if (bandwidthMbps > 0) {
                servedApe.record(ape(f[0], bandwidthMbps));
                for (int i = 0; i < candidateApe.length; i++) {
                    candidateApe[i].record(ape(f[i + 1], bandwidthMbps));
                }
            }
        }
    }

    /**
     * Picks who serves the link's next step from the model's forecast and the window's naive forecasts, and
     * the interval around it. {@code link} null (a bare request window): the model serves, interval from the
     * prior, nothing recorded.
     */
    Served serve(String link, float[][] window, double modelMbps, Map<String, Object> modelParams) {
        priorFrom(modelParams);
        if (link == null) {
            return new Served(NaivePredictors.MODEL, modelMbps, null, intervals.interval(null, modelMbps));
        }
        double[] candidates = candidates(window, modelMbps);
        OnlineArbiter.Selection s = arbiter.select(link, candidates);
        if (last.containsKey(link) || last.size() < maxLinks) {
            double[] step = new double[1 + candidates.length];
            step[0] = s.value();
            System.arraycopy(candidates, 0, step, 1, candidates.length);
            last.put(link, step);
        }
        served[s.index()].increment();
        Double mape = Double.isFinite(s.recentMape()) ? s.recentMape() : null;
        return new Served(s.source(), s.value(), mape, intervals.interval(link, s.value()));
    }

    /** What a request for a link gets: its current source's forecast, without recording a step. */
    Served peek(String link, float[][] window, double modelMbps, Map<String, Object> modelParams) {
        priorFrom(modelParams);
        if (link == null) {
            return new Served(NaivePredictors.MODEL, modelMbps, null, intervals.interval(null, modelMbps));
        }
        String source = arbiter.current(link);
        double v = candidates(window, modelMbps)[CANDIDATES.indexOf(source)];
        return new Served(source, v, arbiter.recentMape(link, source).orElse(null), intervals.interval(link, v));
    }

    /** Every candidate's forecast of the link's next bandwidth, in {@link #CANDIDATES} order. */
    private static double[] candidates(float[][] window, double modelMbps) {
        double[] bw = new double[window.length];
        for (int t = 0; t < window.length; t++) {
            bw[t] = window[t][0];
        }
        return NaivePredictors.candidates(modelMbps, bw);
    }

    void forget(String link) {
        arbiter.forget(link);
        intervals.forget(link);
        last.remove(link);
    }

    /** A model with another residual prior (a reload) restarts the intervals from that prior. */
    private void priorFrom(Map<String, Object> params) {
        if (params != priorParams) {
            synchronized (this) {
                if (params != priorParams) {
                    ResidualPrior p = params.containsKey("residual_prior") ? ResidualPrior.fromParams(params)
                            : ResidualPrior.FALLBACK;
                    intervals = calibrator(p);
                    priorParams = params;
                }
            }
        }
    }

    private static double ape(double forecast, double actual) {
        double a = Double.isFinite(forecast) ? 100 * Math.abs(forecast - actual) / actual : OnlineArbiter.APE_CAP;
        return Math.min(OnlineArbiter.APE_CAP, a);
    }
}

package io.dwcp.agent.spec;

import io.dwcp.agent.predict.DegradationInput;
import io.dwcp.agent.predict.DegradationVerdict;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.predict.TrendDegradationForecaster;
import io.dwcp.models.data.DegradationSeries;
import io.dwcp.models.serving.arbitration.OnlineArbiter;
import io.dwcp.models.serving.arbitration.OutcomeArbiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 19's runtime rule for one pipeline: per link, the degradation model and the trend baseline both judge
 * every forecast, each judgement is scored (Brier) against what the link did in the following
 * {@value #HORIZON} samples, and the one with the lower recent score serves ({@link OutcomeArbiter}, with the
 * bandwidth arbitration's settings). On real throughput traces the model ranks risk worse than the trend
 * (models/README.md), so this is what keeps a link from being served the weaker of the two.
 *
 * <p>Bounded: at most {@code maxLinks} links; a link's state goes with its window. Thread-safe: {@link #observe}
 * on the pipeline worker, {@link #serve} on the batcher thread.
 */
final class DegradationArbitration {
    static final int HORIZON = TrendDegradationForecaster.HORIZON;
    static final String MODEL = "model", TREND = "trend";

    /** What serves a forecast, with the figures to send. */
    record Served(String source, DegradationVerdict verdict, String modelVersion, Double recentBrier) {}

    private final OutcomeArbiter<String> arbiter;
    private final TrendDegradationForecaster trend = new TrendDegradationForecaster();
    /** Per link, its last {@link DegradationSeries.Slo#SMOOTH} samples for the SLO check (a ring, written in place). */
    private final Map<String, Recent> recent = new ConcurrentHashMap<>();
    private final int maxLinks;
    private final Counter servedModel;
    private final Counter servedTrend;

    DegradationArbitration(int maxLinks, MeterRegistry registry) {
        this.maxLinks = maxLinks;
        OnlineArbiter.Settings d = OnlineArbiter.DEFAULTS;
        this.arbiter = new OutcomeArbiter<>(List.of(MODEL, TREND), MODEL, HORIZON,
                new OnlineArbiter.Settings(d.window(), d.minEvidence(), d.margin(), maxLinks));
        servedModel = served(registry, MODEL);
        servedTrend = served(registry, TREND);
        FunctionCounter.builder("dwcp.degradation.arbitration.switches", arbiter, OutcomeArbiter::switches)
                .description("changes of the predictor serving a link's degradation forecasts").register(registry);
    }

    private static Counter served(MeterRegistry registry, String source) {
        return Counter.builder("dwcp.degradation.served").tag("source", source)
                .description("degradation forecasts served, by the predictor that served them").register(registry);
    }

    /** The link's new sample (raw row): is its SLO breached now? Resolves the forecasts this completes. */
    void observe(String link, float[] row, DegradationSeries.Slo slo) {
        if (!recent.containsKey(link) && recent.size() >= maxLinks) {
            return;
        }
        Recent r = recent.computeIfAbsent(link, k -> new Recent());
        double[] slot = r.rows[(int) (r.added % r.rows.length)];
        for (int j = 0; j < slot.length; j++) {
            slot[j] = row[j];
        }
        r.added++;
        if (r.added >= r.rows.length) {
            // The check is on the mean of the SMOOTH rows, so the ring's order does not matter.
            arbiter.observe(link, slo.breached(r.rows, r.rows.length - 1));
        }
    }

    /** One link's last samples [bandwidth, latency, loss]; touched by the pipeline worker only. */
    private static final class Recent {
        final double[][] rows = new double[DegradationSeries.Slo.SMOOTH][3];
        long added;
    }

    /**
     * Who serves: on the stream ({@code record}) the arbitration records this forecast to be scored; a request
     * gets the link's current choice. A bare window (no link) is the model's.
     */
    Served serve(String link, DegradationInput input, DegradationVerdict model,
                 Predictor<DegradationInput, DegradationVerdict> m, boolean record) {
        String version = m.name() + "/" + m.version();
        if (m instanceof TrendDegradationForecaster) {
            // No trained model is loaded: the trend itself ran, so there is nothing to arbitrate against.
            servedTrend.increment();
            return new Served(TREND, model, version, null);
        }
        if (link == null) {
            return new Served(MODEL, model, version, null);
        }
        DegradationVerdict t = trend.predictBatch(List.of(input)).get(0);
        String source = record ? arbiter.select(link, new double[] {model.probability(), t.probability()}).source()
                : arbiter.current(link);
        Double brier = arbiter.recentBrier(link, source).orElse(null);
        if (TREND.equals(source)) {
            servedTrend.increment();
            return new Served(TREND, t, trend.name() + "/" + trend.version(), brier);
        }
        servedModel.increment();
        return new Served(MODEL, model, version, brier);
    }

    void forget(String link) {
        arbiter.forget(link);
        recent.remove(link);
    }
}

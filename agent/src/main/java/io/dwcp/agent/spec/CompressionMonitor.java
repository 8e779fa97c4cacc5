package io.dwcp.agent.spec;

import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.models.features.Schemas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Live agreement of the compression model with the oracle under its codec profile, per link type (issue 15):
 * for every decision (streamed or requested) it records whether the model's own choice was the oracle's and the
 * time it lost against it (as a fraction of the oracle's time), and counts the decisions and the fallbacks to
 * the oracle. Gauges (over each link type's last {@value #WINDOW} decisions; registered at a link type's first
 * decision, so a type never seen has no series): {@code dwcp_compression_oracle_agreement_ratio{link_type}},
 * {@code dwcp_compression_regret_ratio{link_type}} (the model's choice) and
 * {@code dwcp_compression_served_regret_ratio{link_type}} (the served one). The oracle is under the host codec profile
 * once one is learnt, else the model's own. Counters: {@code dwcp_compression_decisions_total{link_type}},
 * {@code dwcp_compression_fallbacks_total{link_type}}. Cardinality is bounded: {@code link_type} is {@code dc},
 * {@code metro}, {@code wan}, {@code edge} or {@code other} (a request with an out-of-range value).
 *
 * <p>Thread-safe: {@link #record} runs on the model's batcher thread, the gauges are read by the scraper.
 */
final class CompressionMonitor {
    static final int WINDOW = 1000;
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Window[] windows = new Window[Schemas.LinkType.values().length + 1];

    CompressionMonitor(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The {@code link_type} label of a context's link-type feature. */
    static String linkType(float ordinal) {
        int k = Math.round(ordinal);
        if (Float.isNaN(ordinal) || k < 0 || k >= Schemas.LinkType.values().length || k != ordinal) {
            return OTHER;
        }
        return Schemas.LinkType.values()[k].name().toLowerCase(Locale.ROOT);
    }

    void record(float linkTypeOrdinal, CompressionDecision d) {
        String type = linkType(linkTypeOrdinal);
        window(type).add(d);
    }

    private synchronized Window window(String type) {
        int i = type.equals(OTHER) ? windows.length - 1 : Schemas.LinkType.valueOf(type.toUpperCase(Locale.ROOT)).ordinal();
        if (windows[i] == null) {
            windows[i] = new Window(type, registry);
        }
        return windows[i];
    }

    /** One link type's ring of the last {@link #WINDOW} decisions. */
    private static final class Window {
        private final boolean[] agree = new boolean[WINDOW];
        private final double[] regret = new double[WINDOW];
        private final double[] served = new double[WINDOW];
        private double servedSum;
        private int next;
        private int size;
        private int agreeing;
        private double regretSum;
        private final Counter decisions;
        private final Counter fallbacks;

        Window(String type, MeterRegistry registry) {
            decisions = Counter.builder("dwcp.compression.decisions").tag("link_type", type)
                    .description("compression decisions (streamed and requested)").register(registry);
            fallbacks = Counter.builder("dwcp.compression.fallbacks").tag("link_type", type)
                    .description("decisions where the model's codec was slower than none by its profile and the "
                            + "oracle's was served (source=oracle)").register(registry);
            Gauge.builder("dwcp.compression.oracle.agreement", this, Window::agreement).tag("link_type", type).baseUnit("ratio")
                    .description("share of the last " + WINDOW + " decisions where the model chose the oracle's codec")
                    .register(registry);
            Gauge.builder("dwcp.compression.regret", this, Window::meanRegret).tag("link_type", type).baseUnit("ratio")
                    .description("mean time the model's choice lost against the oracle's, as a fraction of the "
                            + "oracle's time, over the last " + WINDOW + " decisions").register(registry);
            Gauge.builder("dwcp.compression.served.regret", this, Window::meanServedRegret).tag("link_type", type)
                    .baseUnit("ratio").description("mean time the served choice lost against the oracle's, as a fraction "
                    + "of the oracle's time, over the last " + WINDOW + " decisions").register(registry);
        }

        synchronized void add(CompressionDecision d) {
            boolean a = d.modelCodec() == d.oracleCodec();
            // Regret from the models' cost model is finite and >= 0; guard anyway so one bad value cannot poison the sum.
            double r = Double.isFinite(d.modelRegret()) ? Math.max(0, d.modelRegret()) : 0;
            // The served codec is the model's (its regret) or the oracle's (none).
            double s = d.fellBack() ? 0 : r;
            if (size == WINDOW) {
                agreeing -= agree[next] ? 1 : 0;
                regretSum -= regret[next];
                servedSum -= served[next];
            } else {
                size++;
            }
            agree[next] = a;
            regret[next] = r;
            served[next] = s;
            agreeing += a ? 1 : 0;
            regretSum += r;
            servedSum += s;
            next = (next + 1) % WINDOW;
            decisions.increment();
            if (d.fellBack()) {
                fallbacks.increment();
            }
        }

        synchronized double agreement() {
            return size == 0 ? 1 : (double) agreeing / size;
        }

        synchronized double meanRegret() {
            return size == 0 ? 0 : Math.max(0, regretSum / size);
        }

        synchronized double meanServedRegret() {
            return size == 0 ? 0 : Math.max(0, servedSum / size);
        }
    }
}

package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.BaselineForecaster;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.protocol.BandwidthPrediction;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.LinkFeatures;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import io.dwcp.models.serving.NativeBandwidthForecaster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bandwidth forecaster: per link, the last {@code dwcp.windows.bandwidth-length} samples in, the next
 * step's bandwidth, latency, loss and jitter out, streamed as {@code bandwidth_prediction} for every full
 * window and answered to {@code PredictBandwidth}. Its live accuracy per link is tracked against the next
 * sample ({@link AccuracyTracker}).
 */
public final class BandwidthSpec implements ModelSpec<float[][], BandwidthForecast> {
    public static final String NAME = "bandwidth";
    public static final String METHOD = "PredictBandwidth";
    /** The keys a request's {@code params} may have. */
    static final Set<String> PARAMS = Set.of("node_id", "peer_id", "window");

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.LINK; }
    @Override public FeatureSchema schema() { return Schemas.BANDWIDTH; }
    @Override public int windowLength(AgentConfig c) { return c.windows().bandwidthLength(); }
    @Override public String windowLengthKey() { return "dwcp.windows.bandwidth-length"; }
    @Override public String windowStoreName() { return "link"; }
    @Override public Set<String> methods() { return Set.of(METHOD); }
    @Override public Set<String> eventTypes() { return Set.of(BandwidthPrediction.TYPE); }
    @Override public boolean latencySensitive() { return true; }

    @Override
    public float[] features(MetricRecord r) {
        return linkVector(r);
    }

    /**
     * A link sample's raw row: the 4 measured values plus UTC hour of day (0..24) and day of week (Monday = 0),
     * by the models' one feature function ({@link LinkFeatures#rawRow}), as training, CSV import and history use.
     */
    public static float[] linkVector(MetricRecord r) {
        double[] v = r.values();
        return LinkFeatures.rawRow(v[0], v[1], v[2], v[3], r.timestampMillis());
    }

    /**
     * Our C kernels (issue 16: ~5× TensorFlow per batch of 64, 85× at batch 1; jni/BENCHMARKS.md) before
     * TensorFlow; a GPU backend puts TensorFlow first.
     */
    @Override
    public List<Provider<float[][], BandwidthForecast>> providers() {
        return List.of(new Provider<>() {
            @Override public String name() { return "native-cpu"; }
            @Override public Engine engine() { return Engine.NATIVE; }

            @Override
            public Smokable<float[][], BandwidthForecast> create(ModelArtifact a, Environment env) throws Exception {
                return new Forecaster(new NativeBandwidthForecaster(a));
            }
        }, new Provider<>() {
            @Override public String name() { return "tensorflow"; }
            @Override public Engine engine() { return Engine.TENSORFLOW; }

            @Override
            public Smokable<float[][], BandwidthForecast> create(ModelArtifact a, Environment env) {
                return env.tensorflow(env.onGpu(), () -> new Forecaster(new BandwidthForecaster(a, env.fusedLstm())));
            }
        });
    }

    @Override
    public Predictor<float[][], BandwidthForecast> baseline() {
        return new BaselineForecaster(BaselineForecaster.Kind.HARMONIC_MEAN_5);
    }

    @Override
    public Serving<float[][], BandwidthForecast> serving(Context ctx) {
        AccuracyTracker accuracy = new AccuracyTracker(ctx.config().windows().maxLinks(),
                ctx.config().windows().maxKeyBytes(), ctx.config().metrics().maxLinkSeries(),
                ctx.config().metrics().maxLabelChars(), ctx.registry());
        ForecastArbitration arbitration = new ForecastArbitration(ctx.config().windows().maxLinks(),
                ctx.config().forecast().intervalCoverage(), ctx.registry());
        return new Serving<>() {
            @Override
            public float[][] streamInput(MetricRecord r, float[] features, RingWindow w) {
                accuracy.actual(r.key(), r.values()[0]);
                arbitration.actual(r.key(), r.values()[0]);
                return w.full() ? w.snapshot() : null;
            }

            @Override
            public RequestInput<float[][]> decode(String method, JsonNode p, Windows windows) {
                Params.only(p, PARAMS, "params");
                return new RequestInput<>(RequestParams.window(p, windows, Measurement.LINK, Schemas.BANDWIDTH.size(), true),
                        RequestParams.who(p, Measurement.LINK, windows));
            }

            /** A stream step: the arbitration records who served, to score it against the link's next sample. */
            @Override
            public Event event(MetricRecord r, float[][] input,
                    BandwidthForecast f, Predictor<float[][], BandwidthForecast> m) {
                return prediction(r, f, m, arbitration.serve(r == null ? null : r.key(), input, f.bandwidthMbps(),
                        m.params()));
            }

            /** A request: the link's current source and interval, recording nothing. */
            @Override
            public Event reply(MetricRecord r, float[][] input,
                    BandwidthForecast f, Predictor<float[][], BandwidthForecast> m) {
                return prediction(r, f, m, arbitration.peek(r == null ? null : r.key(), input, f.bandwidthMbps(),
                        m.params()));
            }

            private BandwidthPrediction prediction(MetricRecord r, BandwidthForecast f,
                                                   Predictor<float[][], BandwidthForecast> m,
                                                   ForecastArbitration.Served s) {
                Instant now = Instant.now();
                var iv = s.interval();
                return new BandwidthPrediction(RequestParams.nodeId(r), RequestParams.peerId(r), s.value(),
                        f.latencyMs(), f.packetLoss(), f.jitterMs(), iv.confidence(), now.plusMillis(60_000).toString(),
                        m.name() + "/" + m.version(), now.toString(), RequestParams.sampleTime(r), s.source(),
                        s.recentMape(), finite(iv.lower()), finite(iv.upper()), arbitration.coverage());
            }

            @Override
            public boolean publish(MetricRecord r, BandwidthForecast f, Event e) {
                accuracy.forecast(r.key(), f.bandwidthMbps());
                return true;
            }

            @Override
            public void evicted(String key) {
                accuracy.remove(key);
                arbitration.forget(key);
            }
            @Override public void tick() { accuracy.publish(); }
        };
    }

    /** Null for a non-finite bound (a zero forecast): never a NaN on the wire. */
    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Forecasts from the model's raw [bandwidth, latency, loss, jitter, confidence] rows. */
    static List<BandwidthForecast> forecasts(float[][] out) {
        List<BandwidthForecast> r = new ArrayList<>(out.length);
        for (float[] o : out) {
            r.add(new BandwidthForecast(o[0], o[1], o[2], o[3], o[4]));
        }
        return r;
    }

    static void smoke(Smokable<float[][], BandwidthForecast> p, ModelMetadata md) {
        List<BandwidthForecast> f = p.predictBatch(List.<float[][]>of(SmokeChecks.centreWindow(md.scaler(), md.window()),
                SmokeChecks.centreWindow(md.scaler(), md.window())));
        if (f.size() != 2) {
            throw new IllegalStateException("bandwidth: smoke inference returned " + f.size() + " rows for 2");
        }
        for (BandwidthForecast x : f) {
            SmokeChecks.finite("bandwidth", x.bandwidthMbps(), x.latencyMs(), x.packetLoss(), x.jitterMs(), x.confidence());
        }
    }

    /**
     * The trained LSTM behind either engine: our native kernels (weights file, no TensorFlow) or TensorFlow
     * (fused serving graph where it verifies). Both take raw windows and apply the same transforms.
     */
    static final class Forecaster implements Smokable<float[][], BandwidthForecast> {
        private final ModelMetadata md;
        private final String engine;
        private final java.util.function.Function<float[][][], float[][]> predict;
        private final AutoCloseable model;

        Forecaster(NativeBandwidthForecaster m) {
            this(m.metadata(), m.engine(), m::predict, m);
        }

        Forecaster(BandwidthForecaster m) {
            this(m.metadata(), m.engine(), m::predict, m);
        }

        private Forecaster(ModelMetadata md, String engine, java.util.function.Function<float[][][], float[][]> predict,
                           AutoCloseable model) {
            this.md = md;
            this.engine = engine;
            this.predict = predict;
            this.model = model;
        }

        @Override public String name() { return "lstm-forecaster"; }
        @Override public String engine() { return engine; }
        @Override public Optional<Scaler> inputScaler() { return Optional.of(md.scaler()); }
        @Override public String version() { return md.version(); }
        @Override public java.util.Map<String, Object> params() { return md.params(); }
        @Override public void smoke() { BandwidthSpec.smoke(this, md); }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            return forecasts(predict.apply(in.toArray(new float[0][][])));
        }

        @Override
        public void close() {
            try {
                model.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the bandwidth forecaster: " + e.getMessage(), e);
            }
        }
    }
}

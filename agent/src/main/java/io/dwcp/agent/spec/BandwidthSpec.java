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
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.BandwidthForecaster;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelMetadata;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.LINK; }
    @Override public FeatureSchema schema() { return Schemas.BANDWIDTH; }
    @Override public int windowLength(AgentConfig c) { return c.windows().bandwidthLength(); }
    @Override public String windowLengthKey() { return "dwcp.windows.bandwidth-length"; }
    @Override public String windowStoreName() { return "link"; }
    @Override public Set<String> methods() { return Set.of(METHOD); }

    @Override
    public float[] features(MetricRecord r) {
        return linkVector(r);
    }

    /** The forecaster's 6 features: the 4 measured ones plus hour of day (0..24) and day of week (0=Mon..6), UTC. */
    public static float[] linkVector(MetricRecord r) {
        double[] v = r.values();
        ZonedDateTime t = Instant.ofEpochMilli(r.timestampMillis()).atZone(ZoneOffset.UTC);
        float tod = (float) (t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0);
        float dow = t.getDayOfWeek().getValue() - 1;
        return new float[] {(float) v[0], (float) v[1], (float) v[2], (float) v[3], tod, dow};
    }

    @Override
    public List<Provider<float[][], BandwidthForecast>> providers() {
        return List.of(new Provider<>() {
            @Override public String name() { return "tensorflow"; }
            @Override public Engine engine() { return Engine.TENSORFLOW; }

            @Override
            public Smokable<float[][], BandwidthForecast> create(ModelArtifact a, Environment env) {
                return env.tensorflow(env.onGpu(), () -> new Tf(new BandwidthForecaster(a, env.fusedLstm())));
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
                ctx.config().windows().maxKeyBytes(), ctx.config().metrics().maxLinkSeries(), ctx.config().metrics().maxLabelChars(), ctx.registry());
        return new Serving<>() {
            @Override
            public float[][] streamInput(MetricRecord r, float[] features, RingWindow w) {
                accuracy.actual(r.key(), r.values()[0]);
                return w.full() ? w.snapshot() : null;
            }

            @Override
            public RequestInput<float[][]> decode(String method, JsonNode p, Windows windows) {
                return new RequestInput<>(RequestParams.window(p, windows, Measurement.LINK, Schemas.BANDWIDTH.size(), true),
                        RequestParams.who(p, Measurement.LINK, windows));
            }

            @Override
            public Event event(MetricRecord r, BandwidthForecast f, Predictor<float[][], BandwidthForecast> m) {
                Instant now = Instant.now();
                return new BandwidthPrediction(RequestParams.nodeId(r), RequestParams.peerId(r), f.bandwidthMbps(),
                        f.latencyMs(), f.packetLoss(), f.jitterMs(), f.confidence(), now.plusMillis(60_000).toString(),
                        m.name() + "/" + m.version(), now.toString(), RequestParams.sampleTime(r));
            }

            @Override
            public boolean publish(MetricRecord r, BandwidthForecast f, Event e) {
                accuracy.forecast(r.key(), f.bandwidthMbps());
                return true;
            }

            @Override public void evicted(String key) { accuracy.remove(key); }
            @Override public void tick() { accuracy.publish(); }
        };
    }

    /** The trained LSTM (TensorFlow, fused serving graph where it verifies). */
    static final class Tf implements Smokable<float[][], BandwidthForecast> {
        private final BandwidthForecaster m;

        Tf(BandwidthForecaster m) {
            this.m = m;
        }

        @Override public String name() { return "lstm-forecaster"; }
        @Override public String engine() { return m.engine(); }
        @Override public Optional<Scaler> inputScaler() { return Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<BandwidthForecast> predictBatch(List<float[][]> in) {
            float[][] out = m.predict(in.toArray(new float[0][][]));
            List<BandwidthForecast> r = new ArrayList<>(out.length);
            for (float[] o : out) {
                r.add(new BandwidthForecast(o[0], o[1], o[2], o[3], o[4]));
            }
            return r;
        }

        @Override
        public void smoke() {
            ModelMetadata md = m.metadata();
            List<BandwidthForecast> f = predictBatch(List.<float[][]>of(SmokeChecks.centreWindow(md.scaler(), md.window()),
                    SmokeChecks.centreWindow(md.scaler(), md.window())));
            if (f.size() != 2) {
                throw new IllegalStateException("bandwidth: smoke inference returned " + f.size() + " rows for 2");
            }
            for (BandwidthForecast x : f) {
                SmokeChecks.finite("bandwidth", x.bandwidthMbps(), x.latencyMs(), x.packetLoss(), x.jitterMs(), x.confidence());
            }
        }

        @Override public void close() { m.close(); }
    }
}

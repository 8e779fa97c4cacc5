package io.dwcp.agent.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.predict.AnalyticCompressionSelector;
import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.agent.predict.Predictor;
import io.dwcp.agent.profile.CodecProfileService;
import io.dwcp.agent.profile.ProfileCorrection;
import io.dwcp.agent.protocol.CompressionChoice;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.registry.ModelSpec;
import io.dwcp.agent.registry.Provider;
import io.dwcp.agent.registry.Smokable;
import io.dwcp.agent.window.RingWindow;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.serving.CompressionSelector;
import io.dwcp.models.serving.ModelArtifact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The compression selector: one {@code dwcp_transfer} record in, a codec and level out, streamed as
 * {@code compression_choice} for every record and answered to {@code SelectCompression}. Keeps no window.
 * Every decision's agreement with the oracle, regret and fallback are recorded per link type
 * ({@link CompressionMonitor}).
 */
public final class CompressionSpec implements ModelSpec<float[], CompressionDecision> {
    public static final String NAME = "compression";
    public static final String METHOD = "SelectCompression";
    /** The keys a request's {@code params} may have. */
    static final Set<String> PARAMS = Set.of("features");

    @Override public String name() { return NAME; }
    @Override public Measurement measurement() { return Measurement.TRANSFER; }
    @Override public FeatureSchema schema() { return Schemas.COMPRESSION; }
    @Override public int windowLength(AgentConfig c) { return 0; }
    @Override public Set<String> methods() { return Set.of(METHOD); }
    @Override public Set<String> eventTypes() { return Set.of(CompressionChoice.TYPE); }
    @Override public boolean latencySensitive() { return true; }
    @Override public float[] features(MetricRecord r) { return SmokeChecks.floats(r.values()); }

    @Override
    public List<Provider<float[], CompressionDecision>> providers() {
        return List.of(new Provider<>() {
            @Override public String name() { return "native-cpu"; }
            @Override public Engine engine() { return Engine.NATIVE; }

            @Override
            public Smokable<float[], CompressionDecision> create(ModelArtifact a, Environment env) throws Exception {
                return new Policy(CompressionSelector.onNativeKernels(a));
            }
        }, new Provider<>() {
            @Override public String name() { return "tensorflow"; }
            @Override public Engine engine() { return Engine.TENSORFLOW; }

            @Override
            public Smokable<float[], CompressionDecision> create(ModelArtifact a, Environment env) {
                return env.tensorflow(env.onGpu(), () -> new Policy(new CompressionSelector(a)));
            }
        });
    }

    @Override
    public Predictor<float[], CompressionDecision> baseline() {
        return new AnalyticCompressionSelector();
    }

    /** Transfer outcomes teach the host codec profile (issue 15). */
    @Override
    public Set<Measurement> feedback() {
        return Set.of(Measurement.OUTCOME);
    }

    @Override
    public Serving<float[], CompressionDecision> serving(Context ctx) {
        CompressionMonitor monitor = new CompressionMonitor(ctx.registry());
        int linkType = Schemas.COMPRESSION.indexOf("link_type");
        int entropy = Measurement.TRANSFER.indexOf("entropy_bits_per_byte");
        double maxRegret = ctx.config().codecProfile().maxRegret();
        CodecProfileService profiles = new CodecProfileService(ctx.config().codecProfile(),
                ctx.config().windows().maxLinks(), bundledProfile(), ctx.registry());
        return new Serving<>() {
            @Override
            public float[] streamInput(MetricRecord r, float[] features, RingWindow w) {
                profiles.onTransfer(r.key(), r.values()[entropy]);
                return features;
            }

            @Override
            public void feedback(MetricRecord r) {
                profiles.onOutcome(r);
            }

            @Override
            public void tick() {
                profiles.tick();
            }

            @Override
            public void ready() {
                profiles.ready();
            }

            @Override
            public void close() {
                profiles.close();
            }

            @Override
            public RequestInput<float[]> decode(String method, JsonNode p, Windows windows) {
                Params.only(p, PARAMS, "params");
                return new RequestInput<>(RequestParams.vector(p, Schemas.COMPRESSION.size()), null);
            }

            @Override
            public Event event(MetricRecord r, float[] input,
                    CompressionDecision model, Predictor<float[], CompressionDecision> m) {
                // Issue 15 item 3: the oracle and the served codec under this host's learnt profile, once it has one.
                CompressionDecision d = ProfileCorrection.apply(model, input, profiles.current(), maxRegret);
                monitor.record(input[linkType], d);
                // Issue 15 item 6: no non-finite number reaches the wire, whichever predictor decided.
                return new CompressionChoice(RequestParams.nodeId(r), RequestParams.peerId(r), d.codec(),
                        AnalyticCompressionSelector.codecName(d.codec()), d.level(), finiteOr0(d.expectedGain()),
                        finiteOr0(d.confidence()), m.name() + "/" + m.version(), Instant.now().toString(), d.source());
            }
        };
    }

    private static io.dwcp.models.serving.HostCodecProfile bundledProfile() {
        try {
            return io.dwcp.models.serving.HostCodecProfile.overBundled();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("compression: " + e.getMessage(), e);
        }
    }

    static double finiteOr0(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /**
     * The trained policy net (TensorFlow, or our native kernels on the same weights). Each choice is checked by
     * models' {@link CompressionSelector} against
     * the oracle under the model's codec profile; a choice slower than none is replaced by the oracle's.
     */
    static final class Policy implements Smokable<float[], CompressionDecision> {
        private final CompressionSelector m;

        Policy(CompressionSelector m) {
            this.m = m;
        }

        @Override public String name() { return "policy-net"; }
        @Override public String engine() { return m.engine(); }
        @Override public Optional<Scaler> inputScaler() { return Optional.of(m.metadata().scaler()); }
        @Override public String version() { return m.metadata().version(); }

        @Override
        public List<CompressionDecision> predictBatch(List<float[]> in) {
            CompressionSelector.Choice[] c = m.select(in.toArray(new float[0][]));
            List<CompressionDecision> r = new ArrayList<>(c.length);
            for (CompressionSelector.Choice x : c) {
                r.add(new CompressionDecision(x.ordinal(), x.level(), x.expectedGainVsNone(), x.probability(),
                        x.source().wire(), x.modelCodec().ordinal(), x.oracleCodec().ordinal(), x.modelRegret()));
            }
            return r;
        }

        @Override
        public void smoke() {
            // The centre of the training data and the edge cases of issue 15 item 6 (bandwidth, payload, entropy 0).
            List<float[]> rows = List.of(SmokeChecks.centreRow(m.metadata().scaler()), new float[] {0, 0, 0, 0, 0, 0},
                    new float[] {0, 500, 3, 1 << 30, 8, 1});
            List<CompressionDecision> d = predictBatch(rows);
            if (d.size() != rows.size()) {
                throw new IllegalStateException("compression: smoke inference gave " + d);
            }
            for (CompressionDecision x : d) {
                if (x.codec() < 0 || x.codec() >= Schemas.Codec.values().length) {
                    throw new IllegalStateException("compression: smoke inference gave " + d);
                }
                SmokeChecks.finite("compression", x.expectedGain(), x.confidence(), x.modelRegret());
            }
        }

        @Override public void close() { m.close(); }
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.features.LinkFeatures;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.ForecasterNet;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Serves the bandwidth forecaster. Input: raw (unscaled) windows {@code [batch][10][6]} in
 * {@link Schemas#BANDWIDTH} order (bandwidth_mbps, latency_ms, packet_loss, jitter_ms, time_of_day,
 * day_of_week; rows as {@link LinkFeatures#rawRow} makes them), oldest step first, plus the window's sampling
 * interval: per-row timestamps in {@link #predict(float[][][], long[][])}, the step in seconds in
 * {@link #predictWithStep}, or (legacy) derived from the time-of-day column in {@link #predict(float[][][])}.
 * Output {@code [batch][5]}: predicted next bandwidth_mbps, latency_ms, packet_loss, jitter_ms (raw units) and
 * a confidence in [0, 1].
 *
 * <p>Artifacts with {@code params.feature_version = 2} (issue 14) see the window through
 * {@link LinkFeatures#modelInput} (scale-free, interval-aware, no clock features) and predict log ratios to the
 * window's level, inverted here; their confidence is the prior one, {@code 1 - w/2} with {@code w} the relative
 * width of the training-residual interval at 80 % ({@link io.dwcp.models.serving.arbitration.IntervalCalibrator}
 * gives the per-link calibrated one); an experimental {@code params.feature_variant}
 * ({@link LinkFeatures.Variant}, none in a shipped artifact) is encoded and inverted as it was trained. Older
 * artifacts (no {@code feature_version}) keep their scaler and
 * {@code 1 - (a + b·cv)/100} confidence.
 *
 * <p>Thread-safe; batch-first. Holds a TensorFlow session: close it.
 */
public final class BandwidthForecaster implements AutoCloseable {
    public static final int OUTPUTS = 5;

    private final TfModel model;
    private final FusedForecasterGraph fused; // null: the SavedModel graph serves
    private final String engine;
    private final ModelMetadata metadata;
    private final ForecasterCodec codec;

    public BandwidthForecaster(ModelArtifact artifact) {
        this(artifact, 0);
    }

    /** As {@link #BandwidthForecaster(ModelArtifact)} with {@code intraOpThreads} TF threads (0 = the
     * {@link TfModel#withConfig} settings, else TensorFlow's defaults). */
    public BandwidthForecaster(ModelArtifact artifact, int intraOpThreads) {
        this(artifact, TfModel.config(intraOpThreads), false);
    }

    /**
     * With {@code fused}, serves through {@link FusedForecasterGraph} (the same weights as one fused LSTM op),
     * after proving on check inputs that it computes what the SavedModel computes; if the rewrite cannot be
     * built or differs, the SavedModel graph serves and {@link #engine()} says why.
     */
    public BandwidthForecaster(ModelArtifact artifact, boolean fused) {
        this(artifact, TfModel.constructionConfig(), fused);
    }

    private BandwidthForecaster(ModelArtifact artifact, org.tensorflow.proto.ConfigProto config, boolean fused) {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.BANDWIDTH.model())) {
            throw new IllegalArgumentException("not a bandwidth model: " + metadata.name());
        }
        this.codec = new ForecasterCodec(metadata);
        this.model = new TfModel(artifact.modelPath(), config);
        FusedGraphs.Served<FusedForecasterGraph> served = FusedGraphs.serve(fused, () -> new FusedForecasterGraph(model, deltaScale(metadata), config),
                g -> g.verifiedAgainst(model));
        this.fused = served.graph();
        this.engine = served.engine();
    }

    private static float[] deltaScale(ModelMetadata md) {
        Object v = md.params().get("delta_scale");
        if (!(v instanceof List<?> l) || l.size() != ForecasterNet.TARGETS) {
            throw new IllegalArgumentException("metadata params.delta_scale must list " + ForecasterNet.TARGETS + " numbers");
        }
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    /** Which graph serves: {@code savedmodel} or {@code fused-lstm ...}, with the reason a rewrite was refused. */
    public String engine() {
        return engine;
    }

    public static BandwidthForecaster loadDefault() throws IOException {
        return new BandwidthForecaster(ModelArtifact.loadDefault(Schemas.BANDWIDTH.model()));
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** 2 = {@link LinkFeatures} (scale-free, interval-aware); 1 = the original scaled-raw model. */
    public int featureVersion() {
        return codec.featureVersion();
    }

    /** Legacy call without timestamps: the interval comes from the time-of-day column (1 s if it gives none). */
    public float[][] predict(float[][][] windows) {
        return predictWithStep(windows, ForecasterCodec.stepsFromTimeOfDay(windows));
    }

    /** Windows with their rows' timestamps (epoch millis, {@code [batch][10]}); the interval is derived from them. */
    public float[][] predict(float[][][] windows, long[][] timestampsMillis) {
        return predictWithStep(windows, ForecasterCodec.steps(windows, timestampsMillis));
    }

    /** Windows with their sampling interval in seconds (NaN = unknown, taken as 1 s). */
    public float[][] predictWithStep(float[][][] windows, double[] stepSeconds) {
        int b = windows.length;
        float[] x = codec.encode(windows, stepSeconds);
        float[] y = fused != null ? fused.run(x, b)
                : model.run(List.of(new TfModel.Input("x", x, new long[] {b, ForecasterNet.WINDOW, ForecasterNet.FEATURES})),
                        List.of("y")).get(0);
        return codec.decode(windows, y);
    }

    double confidence(float[][] window) {
        return codec.confidence(window);
    }

    public static double confidence(double cv, double a, double b) {
        return Math.max(0, Math.min(1, 1 - (a + b * cv) / 100.0));
    }

    /** Coefficient of variation of bandwidth (column 0) over a window. */
    public static double cv(float[][] window) {
        double m = 0;
        for (float[] s : window) m += s[0];
        m /= window.length;
        double v = 0;
        for (float[] s : window) v += (s[0] - m) * (s[0] - m);
        return m <= 0 ? 1 : Math.sqrt(v / window.length) / m;
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
        }
        model.close();
    }

    static Map<String, Object> params(ModelMetadata md) {
        return md.params();
    }
}

package io.dwcp.models.serving;

import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.Codecs;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.nets.PolicyNet;

import java.io.IOException;
import java.util.List;

/**
 * Serves the compression selector. Input: raw contexts {@code [batch][6]} in {@link Schemas#COMPRESSION}
 * order (bandwidth_mbps, rtt_ms, link_type ordinal, payload_bytes, entropy_bits_per_byte, cpu_usage 0..1).
 * Output per row: the {@link Codec} (its ordinal is the Go v3 int), the level it was benchmarked at, the
 * network's probability, and the expected transfer-time gain versus sending uncompressed, computed from
 * the codec profile the model was trained on (metadata {@code params.codec_profile}).
 *
 * <p>Thread-safe; batch-first. Holds a TensorFlow session: close it.
 */
public final class CompressionSelector implements AutoCloseable {
    /** One decision: codec, level, probability and expected gain (fraction of the uncompressed time saved). */
    public record Choice(Codec codec, int level, float probability, double expectedGainVsNone) {
        public int ordinal() {
            return codec.ordinal();
        }
    }

    private final TfModel model;
    private final Scaler scaler;
    private final CodecProfile profile;
    private final ModelMetadata metadata;

    public CompressionSelector(ModelArtifact artifact) {
        this(artifact, 0);
    }

    /** As {@link #CompressionSelector(ModelArtifact)} with {@code intraOpThreads} TF threads (0 = TF default). */
    public CompressionSelector(ModelArtifact artifact, int intraOpThreads) {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.COMPRESSION.model())) {
            throw new IllegalArgumentException("not a compression model: " + metadata.name());
        }
        this.scaler = metadata.scaler();
        this.profile = ModelMetadata.json().convertValue(metadata.params().get("codec_profile"), CodecProfile.class);
        this.model = new TfModel(artifact.modelPath(), intraOpThreads);
    }

    public static CompressionSelector loadDefault() throws IOException {
        return new CompressionSelector(ModelArtifact.loadDefault(Schemas.COMPRESSION.model()));
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public CodecProfile profile() {
        return profile;
    }

    /** Codec ordinals only (what Go's {@code SelectCompression} returns). */
    public int[] selectOrdinals(float[][] ctx) {
        Choice[] c = select(ctx);
        int[] out = new int[c.length];
        for (int i = 0; i < c.length; i++) out[i] = c[i].ordinal();
        return out;
    }

    public Choice[] select(float[][] ctx) {
        float[] p = probabilities(ctx);
        int k = PolicyNet.CLASSES;
        Choice[] out = new Choice[ctx.length];
        for (int i = 0; i < ctx.length; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
            Codec c = Codec.values()[best];
            out[i] = new Choice(c, Codecs.level(c), p[i * k + best], expectedGain(profile, c, ctx[i]));
        }
        return out;
    }

    /** Bandwidth below this (Mbit/s) is taken as this in the expected gain: 1 kbit/s, a stalled link. */
    static final double MIN_GAIN_BANDWIDTH_MBPS = 1e-3;

    /**
     * The fraction of the uncompressed transfer time that codec {@code c} saves for context {@code row}
     * ({@link Schemas#COMPRESSION} order), always finite. Issue 17 item 2: a valid record with
     * {@code bandwidth_mbps=0} made both times infinite and the gain {@code inf/inf = NaN}, streamed as
     * {@code "NaN"}; payload 0 with RTT 0 made it {@code 0/0}. Bandwidth is floored at 1 kbit/s and the payload at
     * one byte (the limits the gain tends to), and anything still not finite reads as 0 (no gain claimed).
     */
    public static double expectedGain(CodecProfile profile, Codec c, float[] row) {
        double bw = Math.max(MIN_GAIN_BANDWIDTH_MBPS, row[0]);
        double rtt = Math.max(0, row[1]);
        double payload = Math.max(1, row[3]);
        double none = profile.transferSeconds(Codec.NONE, bw, rtt, payload, row[4], row[5]);
        double chosen = profile.transferSeconds(c, bw, rtt, payload, row[4], row[5]);
        double gain = (none - chosen) / none;
        return Double.isFinite(gain) ? gain : 0;
    }

    /** Softmax probabilities, flat [batch * 5]. */
    public float[] probabilities(float[][] ctx) {
        int f = PolicyNet.FEATURES;
        float[] x = new float[ctx.length * f];
        for (int i = 0; i < ctx.length; i++) {
            if (ctx[i].length != f) throw new IllegalArgumentException("row " + i + " has " + ctx[i].length + " features, expected " + f);
            for (int j = 0; j < f; j++) x[i * f + j] = (float) scaler.transform(j, ctx[i][j]);
        }
        return model.run(List.of(new TfModel.Input("x", x, new long[] {ctx.length, f})), List.of("probs")).get(0);
    }

    TfModel tfModel() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}

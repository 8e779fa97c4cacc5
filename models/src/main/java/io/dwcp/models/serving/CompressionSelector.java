package io.dwcp.models.serving;

import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.Codecs;
import io.dwcp.models.compression.CompressionDomain;
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
 * <p>Every decision is checked against the oracle under that profile ({@link CodecProfile#best}, the same
 * function that labels the training data and scores the evaluation): a network choice slower than sending
 * uncompressed is never served; the oracle's choice is, with {@link Source#ORACLE} (issue 15). Any input
 * gives a defined choice and finite numbers: the network sees the context clamped into its trained range
 * ({@link CompressionDomain#forModel}), the cost model the context with finite floors
 * ({@link CompressionDomain#forCosts}).
 *
 * <p>Thread-safe; batch-first. Holds a TensorFlow session: close it.
 */
public final class CompressionSelector implements AutoCloseable {
    /** Who chose the served codec. */
    public enum Source {
        /** The network; its choice is not slower than sending uncompressed. */
        MODEL,
        /** The oracle under the profile, because the network's choice was slower than sending uncompressed. */
        ORACLE;

        /** The wire value: {@code model} or {@code oracle}. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One decision. {@code codec}, {@code level}, {@code probability} (the network's, for the served codec) and
     * {@code expectedGainVsNone} (fraction of the uncompressed time saved, ≥ 0 whenever the network's choice is
     * not) are what is served; {@code modelCodec} is the network's own choice, {@code oracleCodec} the oracle's,
     * {@code modelRegret} the time the network's choice loses against the oracle's as a fraction of the oracle's
     * time (0 when they agree). All finite.
     */
    public record Choice(Codec codec, int level, float probability, double expectedGainVsNone, Source source,
                         Codec modelCodec, Codec oracleCodec, double modelRegret) {
        public int ordinal() {
            return codec.ordinal();
        }

        public boolean agrees() {
            return modelCodec == oracleCodec;
        }
    }

    /**
     * The served decision for one raw context given the network's choice and its class probabilities: the
     * network's codec unless it is slower than sending uncompressed under {@code profile}, else the oracle's.
     */
    public static Choice decide(CodecProfile profile, float[] ctx, Codec modelCodec, float[] probs) {
        double[] t = profile.transferSeconds(CompressionDomain.toDouble(ctx));
        Codec oracle = Codec.values()[CodecProfile.argmin(t)];
        double none = t[Codec.NONE.ordinal()], tm = t[modelCodec.ordinal()], to = t[oracle.ordinal()];
        boolean fallback = tm > none;
        Codec served = fallback ? oracle : modelCodec;
        double gain = (none - t[served.ordinal()]) / none;
        return new Choice(served, Codecs.level(served), probs[served.ordinal()], gain,
                fallback ? Source.ORACLE : Source.MODEL, modelCodec, oracle, (tm - to) / to);
    }

    private final TfModel model; // null on the native kernels
    private final io.dwcp.jni.nets.Net net; // null on TensorFlow
    private final Scaler scaler;
    private final CodecProfile profile;
    private final ModelMetadata metadata;

    public CompressionSelector(ModelArtifact artifact) {
        this(artifact, 0);
    }

    /** As {@link #CompressionSelector(ModelArtifact)} with {@code intraOpThreads} TF threads (0 = TF default). */
    public CompressionSelector(ModelArtifact artifact, int intraOpThreads) {
        this(artifact, new TfModel(artifact.modelPath(), intraOpThreads), null);
    }

    private CompressionSelector(ModelArtifact artifact, TfModel model, io.dwcp.jni.nets.Net net) {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.COMPRESSION.model())) {
            close(model, net);
            throw new IllegalArgumentException("not a compression model: " + metadata.name());
        }
        this.scaler = metadata.scaler();
        this.profile = ModelMetadata.json().convertValue(metadata.params().get("codec_profile"), CodecProfile.class);
        this.model = model;
        this.net = net;
    }

    /**
     * The same selector with its network on our native kernels (issue 16): the artifact's weights file
     * ({@code weights.dwcpnet}), checked against its golden outputs at load; no TensorFlow session.
     */
    public static CompressionSelector onNativeKernels(ModelArtifact artifact) throws IOException {
        return new CompressionSelector(artifact, null, NativeNetFiles.load(artifact));
    }

    /** What runs the network: {@code tensorflow} or {@code native-c} / {@code native-java}. */
    public String engine() {
        return net == null ? "tensorflow" : "native-" + net.implementation().id();
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
            float[] pi = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
            int best = 0;
            for (int j = 1; j < k; j++) if (pi[j] > pi[best]) best = j;
            out[i] = decide(profile, ctx[i], Codec.values()[best], pi);
        }
        return out;
    }

    /** The network's own choices (before the check against the oracle), as ordinals. */
    public int[] modelOrdinals(float[][] ctx) {
        float[] p = probabilities(ctx);
        int k = PolicyNet.CLASSES;
        int[] out = new int[ctx.length];
        for (int i = 0; i < ctx.length; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
            out[i] = best;
        }
        return out;
    }

    /** Softmax probabilities, flat [batch * 5], of the context clamped into the trained range. */
    public float[] probabilities(float[][] ctx) {
        int f = PolicyNet.FEATURES;
        float[] x = new float[ctx.length * f];
        for (int i = 0; i < ctx.length; i++) {
            if (ctx[i].length != f) throw new IllegalArgumentException("row " + i + " has " + ctx[i].length + " features, expected " + f);
            double[] c = CompressionDomain.forModel(CompressionDomain.toDouble(ctx[i]));
            for (int j = 0; j < f; j++) x[i * f + j] = (float) scaler.transform(j, c[j]);
        }
        if (net != null) {
            float[] logits = new float[ctx.length * PolicyNet.CLASSES];
            float[] probs = new float[ctx.length * PolicyNet.CLASSES];
            net.forward(x, ctx.length, logits, probs);
            return probs;
        }
        return model.run(List.of(new TfModel.Input("x", x, new long[] {ctx.length, f})), List.of("probs")).get(0);
    }

    TfModel tfModel() {
        return model;
    }

    @Override
    public void close() {
        close(model, net);
    }

    private static void close(TfModel model, io.dwcp.jni.nets.Net net) {
        if (model != null) {
            model.close();
        }
        if (net != null) {
            net.close();
        }
    }
}

package io.dwcp.agent.profile;

import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.serving.HostCodecProfile;

/**
 * How the host codec profile changes a compression decision (issue 15): a documented correction of the model's
 * choice, not an input of the model. Once the profile has learnt something, the oracle is the argmin of compress +
 * bytes/bandwidth + decompress under it, and the model's codec is served unless, under it, the codec is slower than
 * sending uncompressed or loses more than {@code dwcp.codec-profile.max-regret} (a fraction of the oracle's time)
 * against the oracle; then the oracle's codec is served with {@code source=oracle} ({@link HostCodecProfile#judge}).
 *
 * <p>Why a correction and not the selector's inputs: the network's six inputs can express a host only through
 * {@code cpu_usage}, which slows every codec's compression alike and no decompression; a host whose codecs differ
 * unevenly from the build machine (brotli's native library slower, lz4 on a CPU with other vector units, payloads that
 * compress worse than their entropy says) has no input that says so. The cost model takes every learnt number as it
 * is, costs five evaluations, and is the function the network was trained to imitate, so where the host matches the
 * training profile the correction changes nothing (the network agrees with the oracle on 99.5 % of contexts and its
 * regret is far below the tolerance). Stateless.
 */
public final class ProfileCorrection {
    private ProfileCorrection() {}

    /** {@code d} re-judged under {@code host} for the raw context {@code ctx}; {@code d} itself until host learnt. */
    public static CompressionDecision apply(CompressionDecision d, float[] ctx, HostCodecProfile host, double maxRegret) {
        HostCodecProfile.Judgement j = host == null ? null : host.judge(ctx, Codec.values()[d.modelCodec()], maxRegret);
        if (j == null) {
            return d;
        }
        int served = j.served().ordinal();
        // The network's probability of a codec it did not serve is not at hand; the margin over the runner-up says how
        // clear the cost model's choice is, as the analytic baseline's confidence does.
        double confidence = served == d.codec() ? d.confidence() : Math.max(0, Math.min(1, 0.5 + 5 * j.margin()));
        return new CompressionDecision(served, j.level(), j.gain(), confidence,
                j.replaced() ? CompressionDecision.ORACLE : CompressionDecision.MODEL, d.modelCodec(), j.oracle().ordinal(),
                j.regret());
    }
}

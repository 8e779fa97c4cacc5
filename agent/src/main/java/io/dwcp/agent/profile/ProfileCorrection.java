package io.dwcp.agent.profile;

import io.dwcp.agent.predict.CompressionDecision;
import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.Codecs;
import io.dwcp.models.compression.CompressionDomain;

/**
 * How the host codec profile changes a compression decision (issue 15): a documented correction of the model's
 * choice, not an input of the model. The oracle becomes the argmin of compress + bytes/bandwidth + decompress under
 * the host profile, and the model's codec is served unless, under that profile, it is slower than sending
 * uncompressed or loses more than {@code maxRegret} (a fraction of the oracle's time) against the oracle; then the
 * oracle's codec is served with {@code source=oracle}.
 *
 * <p>Why a correction and not the selector's inputs: the network's six inputs can express a host only through
 * {@code cpu_usage}, which slows every codec's compression alike and no decompression; a host whose codecs differ
 * unevenly from the build machine (brotli's native library slower, lz4 on a CPU with other vector units, payloads that
 * compress worse than their entropy says) has no input that says so. The cost model takes every learnt number as it
 * is, costs five evaluations, and is the function the network was trained to imitate, so where the host matches the
 * training profile the correction changes nothing (the network agrees with the oracle on 99.5 % of contexts and its
 * regret is far below {@code maxRegret}). Stateless.
 */
public final class ProfileCorrection {
    private ProfileCorrection() {}

    /** {@code d} re-judged under {@code host} for the raw context {@code ctx}; {@code d} itself when host is null. */
    public static CompressionDecision apply(CompressionDecision d, float[] ctx, CodecProfile host, double maxRegret) {
        if (host == null) {
            return d;
        }
        double[] t = host.transferSeconds(CompressionDomain.toDouble(ctx));
        int oracle = CodecProfile.argmin(t);
        int model = d.modelCodec();
        double none = t[0];
        double regret = (t[model] - t[oracle]) / t[oracle];
        boolean replace = t[model] > none || regret > maxRegret;
        int served = replace ? oracle : model;
        double gain = (none - t[served]) / none;
        double confidence;
        if (served == d.codec()) {
            confidence = d.confidence();
        } else {
            // The network's probability of this codec is not at hand; the margin over the runner-up says how clear
            // the cost model's choice is, as the analytic baseline's confidence does.
            double second = Double.POSITIVE_INFINITY;
            for (int i = 0; i < t.length; i++) {
                if (i != served) {
                    second = Math.min(second, t[i]);
                }
            }
            double margin = (second - t[served]) / second;
            confidence = Math.max(0, Math.min(1, 0.5 + 5 * margin));
        }
        return new CompressionDecision(served, Codecs.level(io.dwcp.models.features.Schemas.Codec.values()[served]),
                finite(gain), finite(confidence), replace ? CompressionDecision.ORACLE : CompressionDecision.MODEL,
                model, oracle, finite(regret));
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}

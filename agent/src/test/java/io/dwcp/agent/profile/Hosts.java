package io.dwcp.agent.profile;

import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.features.Schemas.Codec;
import io.dwcp.models.serving.HostCodecProfile;
import java.io.IOException;

/** Test fixture: the shipped codec profile and what a host of another speed reports. */
final class Hosts {
    static final CodecProfile BASE;

    static {
        try {
            BASE = CodecProfile.bundled();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Hosts() {}

    /** One transfer of {@code bytes} on a host {@code speed} times as fast as the base, with {@code ratioFactor}. */
    static void report(HostCodecProfile p, Codec c, double entropy, double bytes, double speed, double ratioFactor,
                       double cpu) {
        double[] b = BASE.at(c, entropy);
        p.observe(c, entropy, bytes, bytes * b[0] * ratioFactor, bytes / (b[1] * speed * Math.max(0.05, 1 - cpu)),
                bytes / (b[2] * speed), cpu);
    }
}

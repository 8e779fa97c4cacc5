package io.dwcp.models.compression;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.features.Schemas.Codec;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Measured codec behaviour by payload entropy: for each benchmarked payload its entropy (bits/byte),
 * and per codec (in {@link Codec} order) the compressed/original ratio and the single-thread compress and
 * decompress speeds in MB/s of input. Values between measured entropies are interpolated linearly.
 * Immutable and thread-safe.
 */
public record CodecProfile(String measuredOn, List<Point> points) {

    /** One measured payload. */
    public record Point(double entropy, double randomFraction, double[] ratio, double[] compressMBps,
                        double[] decompressMBps) {
        @JsonCreator
        public Point(@JsonProperty("entropy") double entropy, @JsonProperty("randomFraction") double randomFraction,
                     @JsonProperty("ratio") double[] ratio, @JsonProperty("compressMBps") double[] compressMBps,
                     @JsonProperty("decompressMBps") double[] decompressMBps) {
            this.entropy = entropy;
            this.randomFraction = randomFraction;
            this.ratio = ratio;
            this.compressMBps = compressMBps;
            this.decompressMBps = decompressMBps;
        }
    }

    @JsonCreator
    public CodecProfile(@JsonProperty("measuredOn") String measuredOn, @JsonProperty("points") List<Point> points) {
        this.measuredOn = measuredOn;
        List<Point> s = new ArrayList<>(points);
        s.sort(Comparator.comparingDouble(Point::entropy));
        this.points = List.copyOf(s);
        if (points.size() < 2) throw new IllegalArgumentException("a codec profile needs >= 2 points");
    }

    public static final String RESOURCE = "/io/dwcp/models/data/codec_profile.json";

    // Its own reader rather than serving's ModelMetadata.json(): compression must not depend on serving,
    // which depends on it (CompressionSelector reads the profile from metadata); issue 13, no package cycles.
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The profile measured when the shipped model was trained (see README). */
    public static CodecProfile bundled() throws IOException {
        try (InputStream in = CodecProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("bundled codec profile missing: " + RESOURCE);
            return JSON.readValue(in, CodecProfile.class);
        }
    }

    /** Interpolated [ratio, compressMBps, decompressMBps] of codec {@code c} at {@code entropy}. */
    public double[] at(Codec c, double entropy) {
        int k = c.ordinal();
        Point lo = points.get(0), hi = points.get(points.size() - 1);
        if (entropy <= lo.entropy()) return new double[] {lo.ratio()[k], lo.compressMBps()[k], lo.decompressMBps()[k]};
        if (entropy >= hi.entropy()) return new double[] {hi.ratio()[k], hi.compressMBps()[k], hi.decompressMBps()[k]};
        for (int i = 1; i < points.size(); i++) {
            Point b = points.get(i);
            if (entropy <= b.entropy()) {
                Point a = points.get(i - 1);
                double t = (entropy - a.entropy()) / Math.max(1e-12, b.entropy() - a.entropy());
                return new double[] {lerp(a.ratio()[k], b.ratio()[k], t), lerp(a.compressMBps()[k], b.compressMBps()[k], t),
                        lerp(a.decompressMBps()[k], b.decompressMBps()[k], t)};
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }

    /**
     * Transfer time in seconds for {@code payloadBytes} over {@code bandwidthMbps} with codec {@code c}:
     * compress (sender, slowed by its CPU load: speed × (1 - cpu_usage), floored at 5%) + compressed
     * bytes / bandwidth + decompress (receiver, assumed idle) + one RTT (the same for every codec).
     */
    public double transferSeconds(Codec c, double bandwidthMbps, double rttMs, double payloadBytes, double entropy,
                                  double cpuUsage) {
        double wire = payloadBytes * 8 / (bandwidthMbps * 1e6);
        if (c == Codec.NONE) return wire + rttMs / 1000;
        double[] v = at(c, entropy);
        double avail = Math.max(0.05, 1 - cpuUsage);
        double comp = payloadBytes / (v[1] * 1e6 * avail);
        double dec = payloadBytes / (v[2] * 1e6);
        return comp + wire * v[0] + dec + rttMs / 1000;
    }

    /** The codec with the smallest transfer time (the oracle label); ties to the lower ordinal. */
    public Codec best(double bandwidthMbps, double rttMs, double payloadBytes, double entropy, double cpuUsage) {
        Codec best = Codec.NONE;
        double bt = Double.POSITIVE_INFINITY;
        for (Codec c : Codec.values()) {
            double t = transferSeconds(c, bandwidthMbps, rttMs, payloadBytes, entropy, cpuUsage);
            if (t < bt) {
                bt = t;
                best = c;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "CodecProfile[" + measuredOn + ", " + points.size() + " points, entropies "
                + Arrays.toString(points.stream().mapToDouble(Point::entropy).toArray()) + "]";
    }
}

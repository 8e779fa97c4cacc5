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
     * bytes / bandwidth + decompress (receiver, assumed idle) + one RTT (the same for every codec). Inputs
     * pass {@link CompressionDomain#forCosts} first, so the result is finite and positive for any input
     * (bandwidth 0, payload 0, NaN included).
     */
    public double transferSeconds(Codec c, double bandwidthMbps, double rttMs, double payloadBytes, double entropy,
                                  double cpuUsage) {
        return transferSeconds(new double[] {bandwidthMbps, rttMs, 0, payloadBytes, entropy, cpuUsage})[c.ordinal()];
    }

    /** Transfer seconds of every codec ({@link Codec} order) for one raw context in {@code Schemas.COMPRESSION} order. */
    public double[] transferSeconds(double[] ctx) {
        double[] x = CompressionDomain.forCosts(ctx);
        double payload = x[3], rtt = x[1] / 1000;
        double wire = payload * 8 / (x[0] * 1e6);
        double avail = Math.max(0.05, 1 - x[5]);
        double[] t = new double[Codec.values().length];
        for (Codec c : Codec.values()) {
            if (c == Codec.NONE) {
                t[c.ordinal()] = wire + rtt;
                continue;
            }
            double[] v = at(c, x[4]);
            t[c.ordinal()] = payload / (v[1] * 1e6 * avail) + wire * v[0] + payload / (v[2] * 1e6) + rtt;
        }
        return t;
    }

    /**
     * The oracle: the codec with the smallest transfer time (the training label, the evaluation reference and the
     * agent's live check); ties to the lower ordinal, so NONE wins a tie.
     */
    public Codec best(double[] ctx) {
        return Codec.values()[argmin(transferSeconds(ctx))];
    }

    public Codec best(double bandwidthMbps, double rttMs, double payloadBytes, double entropy, double cpuUsage) {
        return best(new double[] {bandwidthMbps, rttMs, 0, payloadBytes, entropy, cpuUsage});
    }

    /**
     * How close the context is to a decision boundary: (second-best − best) / best of the per-byte cost
     * (RTT left out, it is the same for every codec). 0 = a tie.
     */
    public double margin(double[] ctx) {
        double[] x = ctx.clone();
        x[1] = 0;
        double[] t = transferSeconds(x);
        int b = argmin(t);
        double second = Double.POSITIVE_INFINITY;
        for (int i = 0; i < t.length; i++) if (i != b) second = Math.min(second, t[i]);
        return (second - t[b]) / t[b];
    }

    public static int argmin(double[] t) {
        int b = 0;
        for (int i = 1; i < t.length; i++) if (t[i] < t[b]) b = i;
        return b;
    }

    @Override
    public String toString() {
        return "CodecProfile[" + measuredOn + ", " + points.size() + " points, entropies "
                + Arrays.toString(points.stream().mapToDouble(Point::entropy).toArray()) + "]";
    }
}

package io.dwcp.models.compression;

import io.dwcp.models.features.Schemas.LinkType;

/**
 * The input domain of the compression selector (issue 15, item 2) and the one place that makes a raw context
 * safe to score (item 6). Rows are in {@code Schemas.COMPRESSION} order: bandwidth_mbps, rtt_ms, link_type,
 * payload_bytes, entropy_bits_per_byte, cpu_usage.
 *
 * <p>The documented range the model is trained on: bandwidth 0.1–100,000 Mbit/s, RTT 0–500 ms, every link
 * type, payload 1 B–1 GiB, entropy 0–8 bits/byte, CPU 0–1. The network is fed contexts clamped into it
 * ({@link #forModel}); the cost model (the oracle and the expected gain) is fed contexts with only the floors
 * that keep every time finite and positive ({@link #forCosts}: bandwidth at least 1 kbit/s, a stalled link, the
 * floor the {@code harden} branch chose for the gain too; payload at least 1 byte). The oracle's choice does not
 * depend on RTT, payload size or link type (every cost term is linear in the payload and the RTT is paid by every
 * codec alike), so the floors define the edge cases (bandwidth 0, payload 0) without changing a choice anywhere
 * else; below 0.1 Mbit/s the network answers as at 0.1 and the oracle check catches a choice slower than none.
 * NaN counts as the lower bound. Stateless; thread-safe.
 */
public final class CompressionDomain {
    private CompressionDomain() {}

    public static final double MIN_BANDWIDTH_MBPS = 0.1, MAX_BANDWIDTH_MBPS = 100_000;
    /** The cost model's bandwidth floor: 1 kbit/s. */
    public static final double COST_MIN_BANDWIDTH_MBPS = 1e-3;
    public static final double MAX_RTT_MS = 500;
    public static final double MIN_PAYLOAD_BYTES = 1, MAX_PAYLOAD_BYTES = 1 << 30;
    public static final double MAX_ENTROPY = 8;
    /** Upper bounds the agent's {@code dwcp_transfer} measurement accepts; the cost model clamps to them. */
    public static final double WIRE_MAX_BANDWIDTH_MBPS = 1e7, WIRE_MAX_RTT_MS = 1e6, WIRE_MAX_PAYLOAD_BYTES = 0x1p40;

    /** A copy of {@code x} clamped into the trained range (link type rounded to a known ordinal). */
    public static double[] forModel(double[] x) {
        return new double[] {
            clamp(x[0], MIN_BANDWIDTH_MBPS, MAX_BANDWIDTH_MBPS),
            clamp(x[1], 0, MAX_RTT_MS),
            clamp(Math.rint(x[2]), 0, LinkType.values().length - 1),
            clamp(x[3], MIN_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES),
            clamp(x[4], 0, MAX_ENTROPY),
            clamp(x[5], 0, 1)};
    }

    /** A copy of {@code x} safe for the cost model: every transfer time finite and > 0. */
    public static double[] forCosts(double[] x) {
        return new double[] {
            clamp(x[0], COST_MIN_BANDWIDTH_MBPS, WIRE_MAX_BANDWIDTH_MBPS),
            clamp(x[1], 0, WIRE_MAX_RTT_MS),
            clamp(Math.rint(x[2]), 0, LinkType.values().length - 1),
            clamp(x[3], MIN_PAYLOAD_BYTES, WIRE_MAX_PAYLOAD_BYTES),
            clamp(x[4], 0, MAX_ENTROPY),
            clamp(x[5], 0, 1)};
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    static double clamp(double v, double lo, double hi) {
        if (Double.isNaN(v) || v < lo) return lo;
        return Math.min(v, hi);
    }
}

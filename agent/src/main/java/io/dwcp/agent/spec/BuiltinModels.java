package io.dwcp.agent.spec;

import io.dwcp.agent.registry.ModelRegistry;
import java.util.List;

/** The models this agent ships, in the order they are loaded, logged and listed. */
public final class BuiltinModels {
    public static final BandwidthSpec BANDWIDTH = new BandwidthSpec();
    public static final CompressionSpec COMPRESSION = new CompressionSpec();
    public static final ReliabilitySpec RELIABILITY = new ReliabilitySpec();
    public static final LatencySpec LATENCY = new LatencySpec();
    public static final DegradationSpec DEGRADATION = new DegradationSpec();

    private BuiltinModels() {}

    public static ModelRegistry registry() {
        return new ModelRegistry(List.of(BANDWIDTH, COMPRESSION, RELIABILITY, LATENCY, DEGRADATION));
    }
}

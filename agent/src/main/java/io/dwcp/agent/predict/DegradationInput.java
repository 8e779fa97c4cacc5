package io.dwcp.agent.predict;

import io.dwcp.models.data.DegradationSeries.Slo;

/**
 * Input of the degradation forecaster: a link window {@code [60][6]} in the link-vector order
 * (bandwidth_mbps, latency_ms, packet_loss, jitter_ms, hour of day, day of week), oldest first, and the SLO
 * to judge it against (the configured one, or a request's own). Immutable by convention.
 */
public record DegradationInput(float[][] window, Slo slo) {}

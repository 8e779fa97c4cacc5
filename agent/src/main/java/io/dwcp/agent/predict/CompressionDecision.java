package io.dwcp.agent.predict;

/** Codec as the Go v3 enum ordinal, its level, and the expected fraction of transfer time saved vs none. */
public record CompressionDecision(int codec, int level, double expectedGain, double confidence) {}

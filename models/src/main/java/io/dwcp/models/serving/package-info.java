/**
 * What the agent uses: artifact loading and metadata ({@code ModelArtifact}, {@code ModelMetadata}, the
 * embedded defaults), version links ({@code ModelVersions}), and one thread-safe, batch-first inference class
 * per model taking raw feature values in {@code features.Schemas} order ({@code BandwidthForecaster},
 * {@code CompressionSelector}, {@code ReliabilityDetector} on the native kernels, {@code LatencyDetector},
 * {@code DegradationForecaster}), with the fused serving graphs. Depends on {@code features}, {@code tf},
 * {@code nets}, {@code compression}, {@code data} (the SLO record), {@code json} (how metadata.json is written) and jni; never on training, evaluation,
 * reports or the CLI (ArchUnit).
 */
package io.dwcp.models.serving;

/**
 * The measured compression oracle: real codecs ({@code Codecs}: none, lz4, zstd, zstd-max and brotli at fixed
 * levels), the committed codec profile and its benchmark ({@code CodecProfile}, {@code CodecBench}),
 * synthetic transfer contexts and payloads, the input domain ({@code CompressionDomain}), and the transfer-time
 * model whose argmin ({@code CodecProfile.best}) is the oracle: it labels the training data, scores the evaluation
 * and checks every served decision. Depends only on
 * {@code features} (the codec and link-type enums); {@code serving.CompressionSelector} reads the profile
 * from here, so nothing here may use {@code serving} (ArchUnit: no package cycles).
 */
package io.dwcp.models.compression;

/**
 * The network architectures (bandwidth forecaster, latency autoencoder, compression policy, degradation
 * forecaster) as graph builders over {@code tf}, shared by training and by the export of serving graphs.
 * Owns layer sizes, input and output names and shapes. Depends on {@code tf} and {@code features}.
 */
package io.dwcp.models.nets;

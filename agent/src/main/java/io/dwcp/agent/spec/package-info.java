/**
 * The built-in models, one {@link io.dwcp.agent.registry.ModelSpec} each (bandwidth forecaster, compression
 * selector, reliability detector, consensus-latency detector, degradation forecaster) with their providers
 * (adapters from {@code io.dwcp.models.serving} and the native kernels to {@link io.dwcp.agent.predict.Predictor}),
 * request decoding and event mapping; {@link io.dwcp.agent.spec.BuiltinModels} registers them.
 */
package io.dwcp.agent.spec;

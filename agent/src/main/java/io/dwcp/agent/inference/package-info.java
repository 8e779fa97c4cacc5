/**
 * Running models: inference backends chosen by rank and device (TensorFlow GPU, TensorFlow CPU, baselines),
 * loading every registered model through its ranked providers, dynamic batching, GPU-to-CPU fallback and
 * hot reload. Knows models only through the registry.
 */
package io.dwcp.agent.inference;

/**
 * Isolation Forest training ({@link io.dwcp.models.forest.IsolationForestTrainer}) straight into jni's
 * {@link io.dwcp.jni.FlatForest}, the one format the native kernels and the agent score. Scoring is not
 * here: training and evaluation use {@link io.dwcp.jni.ReferenceForestScorer}, serving uses the kernels
 * through {@code serving.ReliabilityDetector}. Depends only on jni.
 */
package io.dwcp.models.forest;

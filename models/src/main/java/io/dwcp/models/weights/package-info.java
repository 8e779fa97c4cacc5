/**
 * Writes each trained network's weights file ({@code weights.dwcpnet}, models/WEIGHTS.md) from its
 * SavedModel, with golden input/output pairs computed by TensorFlow, so the agent can serve the networks
 * natively (io.dwcp.jni.nets) without TensorFlow. Uses TensorFlow; the reader does not (it lives in jni).
 */
package io.dwcp.models.weights;

/**
 * TensorFlow Java graph building and training machinery: layers and the unrolled LSTM, attention,
 * deterministic Adam, trainable parameters, the training loop, tensors and SavedModel export. Knows no
 * model: depends on nothing else in models.
 */
package io.dwcp.models.tf;

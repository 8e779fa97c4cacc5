/** TensorFlow Java graph building and training: unrolled LSTM, attention, deterministic Adam, SavedModel export. */
package io.dwcp.models.tf;

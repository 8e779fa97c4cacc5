/** Metrics and threshold selection (validation data only). */
package io.dwcp.models.eval;

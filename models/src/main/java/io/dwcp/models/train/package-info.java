/** Trainers for the four models: data, fit, validation thresholds, held-out test metrics, export, reports. */
package io.dwcp.models.train;

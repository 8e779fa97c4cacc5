/**
 * Feature schemas, scalers and feature functions, the single definition shared by training and the agent:
 * {@link io.dwcp.models.features.LinkFeatures} turns a link sample into the raw row (and a window of raw rows into
 * the bandwidth forecaster's input), {@link io.dwcp.models.features.DegradationFeatures} the degradation model's, and
 * {@link io.dwcp.models.features.TrendExtrapolation} the trend over those coordinates that the agent's baseline, the
 * evaluation protocol and the degradation stack all read.
 */
package io.dwcp.models.features;

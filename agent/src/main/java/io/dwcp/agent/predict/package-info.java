/**
 * The predictor contract ({@link io.dwcp.agent.predict.Predictor}), the domain outputs of the models, and the
 * classic baselines (last value, harmonic mean, EWMA, robust z-score, analytic codec model, trend) that serve
 * when no trained model does.
 */
package io.dwcp.agent.predict;

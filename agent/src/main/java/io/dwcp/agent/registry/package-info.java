/**
 * The model registry: what one model is to the agent ({@link io.dwcp.agent.registry.ModelSpec}: the
 * measurement it reads, its window, feature row, ranked providers, baseline, request methods, events and
 * streaming policy), the list of registered models ({@link io.dwcp.agent.registry.ModelRegistry}) and the
 * set of predictors serving them at one moment ({@link io.dwcp.agent.registry.ModelSet}). The pipeline,
 * the backends, hot reload and history recording iterate over the registry; none of them names a model.
 */
package io.dwcp.agent.registry;

/**
 * The prediction worker: drains ingested records and requests and hands each to the lane of every
 * registered model that reads it (window, batcher, drift monitor, events); transfer recommendations from
 * the streamed forecasts. Generic over the model registry.
 */
package io.dwcp.agent.pipeline;

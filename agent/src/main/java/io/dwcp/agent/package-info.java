/**
 * The composition root: {@link io.dwcp.agent.Application} (start-up, exit codes) and
 * {@link io.dwcp.agent.AgentService}, which builds and owns every stage (socket, pipeline, UDP ingest,
 * reloader, history, shadow) over the model registry, plus the health indicator. Nothing depends on it.
 */
package io.dwcp.agent;

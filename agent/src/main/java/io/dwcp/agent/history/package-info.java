/** Recording of ingested features to the local history store (issue 8), read by {@code dwcp-models retrain}. */
package io.dwcp.agent.history;

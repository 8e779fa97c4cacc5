/**
 * Bounded sliding windows: one ring per key, a store per model with a key cap (evicting the stalest) and
 * idle eviction. Not thread-safe: owned by the pipeline worker.
 */
package io.dwcp.agent.window;

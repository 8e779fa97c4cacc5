/**
 * The socket protocol (agent/PROTOCOL.md): events and their NDJSON codec, requests, replies and their
 * parser, and the {@link io.dwcp.agent.protocol.RequestHandler} the socket server hands requests to. The
 * sink and the pipeline both depend on this package; it depends on neither.
 */
package io.dwcp.agent.protocol;

/**
 * The Unix-domain socket the Go process reads: per-client bounded buffers, named readers with backlog and
 * resume, the connection handler. Depends on the protocol package and a request handler, not on the pipeline.
 */
package io.dwcp.agent.sink;

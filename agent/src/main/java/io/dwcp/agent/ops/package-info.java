/**
 * Operations plumbing with no knowledge of models: systemd notify and watchdog, the status line,
 * rate-limited logging, transports (epoll or NIO), GPU health gauges, stop deadlines, the Prometheus endpoint.
 */
package io.dwcp.agent.ops;

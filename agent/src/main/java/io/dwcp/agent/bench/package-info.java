/**
 * The load generator (benchmarks, not tests): drives a built agent jar over UDP and the socket and reports
 * latency percentiles, throughput, CPU and memory.
 */
package io.dwcp.agent.bench;

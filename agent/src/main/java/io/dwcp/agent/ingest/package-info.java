/**
 * UDP ingest: datagrams sniffed as InfluxDB line protocol or JSON, validated against the measurements
 * (fields, ranges, defaults), counted by reject reason, handed to a bounded record queue; the kernel's own
 * drop counter.
 */
package io.dwcp.agent.ingest;

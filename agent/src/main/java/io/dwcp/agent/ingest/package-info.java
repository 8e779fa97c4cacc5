/**
 * UDP ingest: datagrams sniffed as InfluxDB line protocol or JSON (gzip-compressed or not), validated against the
 * measurements (fields, ranges, defaults), counted by reject reason, handed to a bounded record queue; the kernel's
 * own drop counter. {@link io.dwcp.agent.ingest.UdpIngestServer} is the listener, {@link
 * io.dwcp.agent.ingest.SniffingDecoder} the decoder of its port.
 *
 * <p>Nothing is dropped silently: every record is accepted or rejected with a
 * {@link io.dwcp.agent.ingest.RejectReason}, and a datagram that holds no record is counted as {@code empty}
 * ({@link io.dwcp.agent.ingest.IngestMetrics}). Input is bounded in bytes ({@link io.dwcp.agent.ingest.IngestLimits}):
 * datagram size, inflated size, id and string lengths. What a drop logs is escaped ({@link
 * io.dwcp.agent.ingest.LogText}). Decoders are stateless and thread-safe; a {@link
 * io.dwcp.agent.ingest.DatagramHandler} belongs to one channel.
 */
package io.dwcp.agent.ingest;

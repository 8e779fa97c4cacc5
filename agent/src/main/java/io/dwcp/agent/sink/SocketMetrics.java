package io.dwcp.agent.sink;

import io.dwcp.agent.protocol.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counters of the socket sink. For every unnamed client: {@code queued = written + dropped{slow_client} +
 * dropped{disconnected}} once its connection has closed, so nothing leaves silently. For a named client
 * (see {@link NamedSubscriber}) the exact account is per stream, settled when it resumes: newest seq =
 * events it received + dropped{slow_client} + dropped{backlog_full}.
 */
final class SocketMetrics {
    final AtomicInteger clients = new AtomicInteger();
    final Counter connections;
    final Counter refused;
    final Counter queued;
    final Counter written;
    final Counter droppedSlow;
    final Counter droppedDisconnected;
    final Counter droppedBacklog;
    final Counter replayed;
    final Counter requests;
    final Counter badRequests;
    final Counter tooLarge;
    final Counter recreated;

    SocketMetrics(MeterRegistry r) {
        r.gauge("dwcp.socket.clients", clients);
        connections = Counter.builder("dwcp.socket.connections").description("clients accepted").register(r);
        refused = Counter.builder("dwcp.socket.connections.refused").description("clients refused (max-clients)")
                .register(r);
        queued = Counter.builder("dwcp.socket.events.queued").description("events handed to a client's buffer")
                .register(r);
        written = Counter.builder("dwcp.socket.events.written").description("events written to a client")
                .register(r);
        droppedSlow = Counter.builder("dwcp.socket.events.dropped").tag("reason", "slow_client")
                .description("events dropped before reaching a client").register(r);
        droppedDisconnected = Counter.builder("dwcp.socket.events.dropped").tag("reason", "disconnected")
                .description("events dropped before reaching a client").register(r);
        droppedBacklog = Counter.builder("dwcp.socket.events.dropped").tag("reason", "backlog_full")
                .description("events dropped before reaching a client").register(r);
        replayed = Counter.builder("dwcp.socket.events.replayed")
                .description("events written again to a named client that resumed").register(r);
        requests = Counter.builder("dwcp.socket.requests").description("requests received").register(r);
        badRequests = Counter.builder("dwcp.socket.requests.invalid").tag("reason", "bad_request")
                .description("requests rejected before inference").register(r);
        tooLarge = Counter.builder("dwcp.socket.requests.invalid").tag("reason", "too_large")
                .description("requests rejected before inference").register(r);
        recreated = Counter.builder("dwcp.socket.recreated")
                .description("times the socket file was found removed or replaced and bound again").register(r);
        FunctionCounter.builder("dwcp.events.nonfinite.fields", EventCodec.class, c -> EventCodec.nonFiniteFields())
                .description("non-finite numbers written as null on the socket (agent/PROTOCOL.md)").register(r);
    }
}

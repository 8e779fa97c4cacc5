package io.dwcp.agent.sink;

import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.protocol.RequestError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counters of the socket sink. For every unnamed client: {@code queued = written + dropped{slow_client} +
 * dropped{disconnected}} once its connection has closed, so nothing leaves silently. For a named client
 * (see {@link NamedSubscriber}) the exact account is per stream, settled when it resumes: newest seq =
 * events it received + dropped{slow_client} + dropped{backlog_full}. For requests: every line read
 * ({@code requests}) is answered, or is blank and counted {@code invalid{reason="empty"}}; each refused for
 * what it asked is also counted in {@code invalid} by its error code. Thread-safe (Micrometer meters).
 */
final class SocketMetrics {
    /** A blank line: not answered, only counted. */
    static final String EMPTY = "empty";
    /** A line over dwcp.socket.max-request-bytes (answered {@code request_too_large}; label kept from v1). */
    static final String TOO_LARGE = "too_large";
    /**
     * Error codes that mean the request itself was wrong, wherever they were found (the socket handler or a
     * model's parameter decoding): each such reply is counted in {@code dwcp_socket_requests_invalid_total}.
     */
    static final Set<String> INVALID_REASONS = Set.of("bad_request", "unknown_method", ClientHandler.DUPLICATE_ID,
            RequestError.UNKNOWN_LINK, RequestError.UNKNOWN_NODE, RequestError.WINDOW_NOT_FULL);
    private static final List<String> ALL_INVALID_REASONS = List.of("bad_request", "unknown_method",
            ClientHandler.DUPLICATE_ID, RequestError.UNKNOWN_LINK, RequestError.UNKNOWN_NODE,
            RequestError.WINDOW_NOT_FULL, EMPTY, TOO_LARGE);

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
    private final Map<String, Counter> invalid = new HashMap<>();
    final Counter recreated;

    SocketMetrics(MeterRegistry r) {
        Gauge.builder("dwcp.socket.clients", clients, AtomicInteger::get).description("socket clients connected")
                .register(r);
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
        requests = Counter.builder("dwcp.socket.requests").description("request lines received").register(r);
        for (String reason : ALL_INVALID_REASONS) {
            invalid.put(reason, Counter.builder("dwcp.socket.requests.invalid").tag("reason", reason)
                    .description("request lines refused for what they asked, by reason (the error code; "
                            + "empty: a blank line, not answered)").register(r));
        }
        recreated = Counter.builder("dwcp.socket.recreated")
                .description("times the socket file was found removed or replaced and bound again").register(r);
        FunctionCounter.builder("dwcp.events.nonfinite.fields", EventCodec.class, c -> EventCodec.nonFiniteFields())
                .description("non-finite numbers written as null on the socket (agent/PROTOCOL.md)").register(r);
    }

    /** The counter of refused requests for an error code (or {@link #EMPTY}, {@link #TOO_LARGE}). */
    Counter invalid(String reason) {
        Counter c = invalid.get(reason);
        if (c == null) {
            throw new IllegalArgumentException("not a counted reason: " + reason);
        }
        return c;
    }
}

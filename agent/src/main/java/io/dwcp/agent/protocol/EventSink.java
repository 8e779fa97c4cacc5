package io.dwcp.agent.protocol;

/**
 * Where events go. {@code publish} never blocks and never throws: a sink that cannot keep up drops
 * and counts (the socket sink drops the oldest per slow client).
 */
public interface EventSink extends AutoCloseable {
    void publish(Event event);

    @Override
    default void close() {}
}

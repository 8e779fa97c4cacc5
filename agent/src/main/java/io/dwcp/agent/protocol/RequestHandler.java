package io.dwcp.agent.protocol;

import java.util.Set;

/**
 * What answers inference requests from socket clients: the socket server depends on this, not on the
 * pipeline. {@link #submit} never blocks and answers each request exactly once through its reply callback.
 */
public interface RequestHandler {
    /** The request methods answered (anything else is {@code unknown_method}). */
    Set<String> methods();

    /**
     * The event types streamed, which a client may {@code subscribe} to (anything else is
     * {@code bad_request}); null when not known, and then any type is accepted.
     */
    default Set<String> eventTypes() {
        return null;
    }

    void submit(Request request);
}

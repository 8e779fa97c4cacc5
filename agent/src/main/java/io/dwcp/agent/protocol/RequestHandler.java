package io.dwcp.agent.protocol;

import java.util.Set;

/**
 * What answers inference requests from socket clients: the socket server depends on this, not on the
 * pipeline. {@link #submit} never blocks and answers each request exactly once through its reply callback.
 */
public interface RequestHandler {
    /** The request methods answered (anything else is {@code unknown_method}). */
    Set<String> methods();

    void submit(Request request);
}

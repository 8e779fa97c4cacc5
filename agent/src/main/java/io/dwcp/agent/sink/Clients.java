package io.dwcp.agent.sink;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The socket's connected sessions and named readers, shared by the server (publishing) and the connection
 * handlers (joining, leaving, subscribing). Named readers are created and removed on the event loop.
 */
final class Clients {
    final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    /** Named readers' streams, kept across their connections. */
    final Map<String, NamedSubscriber> named = new ConcurrentHashMap<>();
}

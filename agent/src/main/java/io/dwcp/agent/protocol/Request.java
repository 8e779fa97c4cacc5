package io.dwcp.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * A parsed inference request ({@code method} is one a {@link RequestHandler} answers, e.g.
 * {@code PredictBandwidth}) from a socket client, answered exactly once through {@code reply} with either a
 * result object or an error. {@code reply} is thread-safe (it hands the bytes to the client's event loop).
 */
public record Request(String id, String method, JsonNode params, Consumer<Reply> reply) {

    /** Either {@code result} or {@code errorCode}/{@code message}. */
    public record Reply(String id, Object result, String errorCode, String message) {
        public static Reply ok(String id, Object result) {
            return new Reply(id, result, null, null);
        }

        public static Reply error(String id, String code, String message) {
            return new Reply(id, null, code, message);
        }
    }
}

package io.dwcp.agent.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.agent.pipeline.Request;
import java.io.IOException;

/**
 * Parses one request line of the socket protocol (agent/PROTOCOL.md) into what the server acts on. Pure
 * and total: any input gives a {@link Parsed}, never an exception, so the parser can be fuzzed alone.
 */
public final class RequestCodec {
    // Requests are bounded in bytes by the frame decoder; nesting is bounded here.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build());

    private RequestCodec() {}

    /** What a line asked for. */
    public sealed interface Parsed permits Control, Inference, Invalid {}

    /** {@code ping}, {@code subscribe}, {@code unsubscribe}: answered by the socket server itself. */
    public record Control(String id, String method, JsonNode params) implements Parsed {}

    /** One of the four model calls. */
    public record Inference(String id, Request.Method method, JsonNode params) implements Parsed {}

    /** Refused before any work, with the error code and message to send back. */
    public record Invalid(String id, String code, String message) implements Parsed {}

    public static Parsed parse(String line) {
        JsonNode req;
        try {
            req = MAPPER.readTree(line);
        } catch (IOException | RuntimeException e) {
            return new Invalid(null, "bad_request", "not JSON: " + firstLine(e.getMessage()));
        }
        if (req == null || !req.isObject()) {
            return new Invalid(null, "bad_request", "a request is a JSON object");
        }
        JsonNode idNode = req.get("id");
        String id = idNode == null || idNode.isNull() || idNode.isContainerNode() ? null : idNode.asText();
        String method = req.path("method").asText("");
        JsonNode params = req.path("params");
        if (params.isMissingNode() || params.isNull()) {
            params = MAPPER.createObjectNode();
        }
        if (!params.isObject()) {
            return new Invalid(id, "bad_request", "params must be an object");
        }
        switch (method) {
            case "ping", "subscribe", "unsubscribe" -> {
                return new Control(id, method, params);
            }
            default -> {
                Request.Method m;
                try {
                    m = Request.Method.valueOf(method);
                } catch (IllegalArgumentException e) {
                    return new Invalid(id, "unknown_method", "unknown method '" + truncate(method) + "'");
                }
                if (id == null) {
                    return new Invalid(null, "bad_request", "inference requests need an \"id\"");
                }
                return new Inference(id, m, params);
            }
        }
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

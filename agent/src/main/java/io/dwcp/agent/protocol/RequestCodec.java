package io.dwcp.agent.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** One of the handler's inference methods. */
    public record Inference(String id, String method, JsonNode params) implements Parsed {}

    /** Refused before any work, with the error code and message to send back. */
    public record Invalid(String id, String code, String message) implements Parsed {}

    /** {@code methods}: the inference methods answered; any other method is {@code unknown_method}. */
    public static Parsed parse(String line, java.util.Set<String> methods) {
        return parse(line, methods::contains);
    }

    /** {@code known}: whether a method is answered; any other method is {@code unknown_method}. */
    public static Parsed parse(String line, java.util.function.Predicate<String> known) {
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
                if (!known.test(method)) {
                    return new Invalid(id, "unknown_method", "unknown method '" + truncate(method) + "'");
                }
                if (id == null) {
                    return new Invalid(null, "bad_request", "inference requests need an \"id\"");
                }
                return new Inference(id, method, params);
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

package io.dwcp.agent.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses one request line of the socket protocol (agent/PROTOCOL.md) into what the server acts on. Pure
 * and total: any input gives a {@link Parsed}, never an exception, so the parser can be fuzzed alone.
 */
public final class RequestCodec {
    // Requests are bounded in bytes by the frame decoder; nesting is bounded here. Trailing tokens after
    // the object are an error (issue 17: `{...} garbage` was answered as if the garbage were not there).
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The members a request object may have. */
    static final Set<String> MEMBERS = Set.of("id", "method", "params");

    /** How much of an overlong line {@link #idFromPrefix} reads. */
    public static final int ID_PREFIX_BYTES = 512;

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
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            // A string or an integer (echoed as a string); anything else cannot be echoed faithfully.
            if (idNode.isTextual() && !idNode.asText().isEmpty()) {
                id = idNode.asText();
            } else if (idNode.isIntegralNumber()) {
                id = idNode.asText();
            } else {
                return new Invalid(null, "bad_request", "id must be a non-empty string or an integer");
            }
        }
        List<String> unknown = unknownKeys(req, MEMBERS);
        if (!unknown.isEmpty()) {
            return new Invalid(id, "bad_request", "unknown request members " + unknown + "; a request has "
                    + new TreeSet<>(MEMBERS));
        }
        JsonNode methodNode = req.get("method");
        if (methodNode == null || methodNode.isNull()) {
            return new Invalid(id, "bad_request", "method is required");
        }
        if (!methodNode.isTextual()) {
            return new Invalid(id, "bad_request", "method must be a string");
        }
        String method = methodNode.asText();
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

    /** The members of {@code object} not in {@code allowed}, sorted (empty when none). */
    public static List<String> unknownKeys(JsonNode object, Set<String> allowed) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                out.add(truncate(k));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The request id of a line too long to parse, read from its first bytes: the top-level {@code "id"}
     * member when it comes before the prefix ends (a string or an integer), else null. Total.
     */
    public static String idFromPrefix(byte[] prefix) {
        try (JsonParser p = MAPPER.getFactory().createParser(prefix)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("id".equals(name)) {
                    if (v == JsonToken.VALUE_STRING && !p.getText().isEmpty()) {
                        return p.getText();
                    }
                    return v == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // the prefix ended, or was not JSON, before an id
        }
    }

    static String truncate(String s) {
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

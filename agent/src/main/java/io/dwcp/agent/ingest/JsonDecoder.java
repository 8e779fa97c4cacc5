package io.dwcp.agent.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON datagrams: one object or an array of objects. Two shapes are accepted:
 * <ul>
 *   <li>flat, as the Go node sends it: {@code {"type":"link","node_id":"a","peer_id":"b",
 *       "timestamp":"2026-11-23T10:00:00Z","bandwidth_mbps":940.5,...}} ({@code timestamp} RFC 3339 or
 *       epoch milliseconds);</li>
 *   <li>Telegraf's JSON serializer: {@code {"name":"dwcp_link","tags":{...},"fields":{...},"timestamp":1700000000}}
 *       ({@code timestamp} in epoch seconds, Telegraf's default unit).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class JsonDecoder implements MetricDecoder {
    // Datagrams are at most 64 KiB, but nesting is bounded too so a hostile payload cannot recurse deep.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(4096).build())
            .build());

    private final long maxFutureSkewMillis;

    public JsonDecoder(long maxFutureSkewMillis) {
        this.maxFutureSkewMillis = maxFutureSkewMillis;
    }

    @Override
    public void decode(byte[] data, int offset, int length, long nowMillis, RecordSink sink) {
        JsonNode root;
        try {
            root = MAPPER.readTree(data, offset, length);
        } catch (IOException | RuntimeException e) {
            sink.reject(RejectReason.MALFORMED, "json: " + firstLine(e.getMessage()));
            return;
        }
        if (root == null || root.isMissingNode()) {
            sink.reject(RejectReason.MALFORMED, "json: empty");
            return;
        }
        RecordBuilder b = new RecordBuilder(maxFutureSkewMillis);
        if (root.isArray()) {
            for (JsonNode n : root) {
                decodeObject(n, nowMillis, b, sink);
            }
        } else {
            decodeObject(root, nowMillis, b, sink);
        }
    }

    private static void decodeObject(JsonNode o, long nowMillis, RecordBuilder b, RecordSink sink) {
        if (!o.isObject()) {
            sink.reject(RejectReason.MALFORMED, "json: expected an object, got " + o.getNodeType());
            return;
        }
        boolean telegraf = o.has("name") && o.path("fields").isObject();
        JsonNode typeNode = telegraf ? o.get("name") : firstOf(o, "type", "measurement");
        if (typeNode == null || !typeNode.isTextual()) {
            sink.reject(RejectReason.MALFORMED, "json: no \"type\"");
            return;
        }
        Measurement m = Measurement.byName(typeNode.asText());
        if (m == null) {
            sink.reject(RejectReason.UNKNOWN_MEASUREMENT, typeNode.asText());
            return;
        }
        b.reset(m);
        if (telegraf) {
            JsonNode tags = o.path("tags");
            for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                b.tag(e.getKey(), e.getValue().asText());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.get("fields").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                value(b, e.getKey(), e.getValue());
            }
            JsonNode ts = o.get("timestamp");
            if (ts != null) {
                if (!ts.isNumber()) {
                    sink.reject(RejectReason.MALFORMED, "json: telegraf timestamp is not a number");
                    return;
                }
                b.timestampMillis(Math.round(ts.asDouble() * 1000.0));
            }
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                JsonNode v = e.getValue();
                switch (k) {
                    case "type", "measurement" -> { }
                    case "node_id", "peer_id", "node", "peer" -> {
                        if (!v.isTextual() && !v.isNumber()) {
                            b.fail(RejectReason.MALFORMED, k + " is " + v.getNodeType());
                        } else {
                            b.tag(k, v.asText());
                        }
                    }
                    case "timestamp" -> {
                        if (v.isNumber()) {
                            b.timestampMillis(v.asLong());
                        } else if (v.isTextual()) {
                            try {
                                b.timestampMillis(Instant.parse(v.asText()).toEpochMilli());
                            } catch (DateTimeParseException ex) {
                                b.fail(RejectReason.MALFORMED, "timestamp '" + v.asText() + "' is not RFC 3339");
                            }
                        } else {
                            b.fail(RejectReason.MALFORMED, "timestamp is " + v.getNodeType());
                        }
                    }
                    default -> value(b, k, v);
                }
            }
        }
        b.finish(nowMillis, sink);
    }

    private static void value(RecordBuilder b, String key, JsonNode v) {
        JsonNodeType t = v.getNodeType();
        switch (t) {
            case NUMBER -> b.field(key, v.asDouble());
            case BOOLEAN -> b.field(key, v.asBoolean() ? 1 : 0);
            case STRING -> {
                // JSON has no NaN literal; senders that mean it write strings, which we treat as values.
                String s = v.asText();
                if (s.equalsIgnoreCase("nan") || s.toLowerCase(java.util.Locale.ROOT).contains("inf")) {
                    if (isKnown(b, key)) {
                        b.field(key, Double.NaN);
                    }
                } else {
                    b.category(key, s);
                }
            }
            case NULL -> { } // explicit null = absent
            default -> {
                if (isKnown(b, key)) {
                    b.fail(RejectReason.MALFORMED, key + " is " + t);
                }
            }
        }
    }

    private static boolean isKnown(RecordBuilder b, String key) {
        return b.knows(key);
    }

    private static JsonNode firstOf(JsonNode o, String a, String b) {
        JsonNode n = o.get(a);
        return n != null ? n : o.get(b);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

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
 *       ({@code timestamp} in seconds, milliseconds, microseconds or nanoseconds since the epoch, whichever
 *       {@code json_timestamp_units} Telegraf was given: the unit is inferred from the magnitude, see
 *       {@link #telegrafMillis}).</li>
 * </ul>
 * Names and ids (the type, object keys, tag keys and values, {@code node_id}/{@code peer_id}) longer than
 * {@link IngestLimits#maxIdBytes()} UTF-8 bytes are {@code id_too_long}; string values longer than
 * {@link IngestLimits#maxStringBytes()} {@code string_too_long} (issue 17). Stateless and thread-safe.
 */
public final class JsonDecoder implements MetricDecoder {
    // Input is bounded (a datagram, or what a gzip one may inflate to), but nesting is bounded too so a hostile
    // payload cannot recurse deep. Jackson's own string and name caps are set beyond any input so that our byte
    // limits decide, and a long id is counted as id_too_long rather than malformed.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                    .maxStringLength(Integer.MAX_VALUE).maxNameLength(Integer.MAX_VALUE).build())
            .build());

    // Magnitude bounds of the Telegraf timestamp units: 1e11 s is the year 5138, 1e11 ms is 1973.
    private static final double SECONDS_BELOW = 1e11;
    private static final double MILLIS_BELOW = 1e14;
    private static final double MICROS_BELOW = 1e17;

    private final IngestLimits limits;

    public JsonDecoder(long maxFutureSkewMillis) {
        this(IngestLimits.defaults(maxFutureSkewMillis));
    }

    public JsonDecoder(IngestLimits limits) {
        this.limits = limits;
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
        RecordBuilder b = new RecordBuilder(limits);
        if (root.isArray()) {
            for (JsonNode n : root) {
                decodeObject(n, nowMillis, b, sink);
            }
        } else {
            decodeObject(root, nowMillis, b, sink);
        }
    }

    private void decodeObject(JsonNode o, long nowMillis, RecordBuilder b, RecordSink sink) {
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
        String type = typeNode.asText();
        if (Utf8.longerThan(type, limits.maxIdBytes())) {
            sink.reject(RejectReason.ID_TOO_LONG, "json: type is longer than " + limits.maxIdBytes() + " bytes: " + type);
            return;
        }
        Measurement m = Measurement.byName(type);
        if (m == null) {
            sink.reject(RejectReason.UNKNOWN_MEASUREMENT, type);
            return;
        }
        b.reset(m);
        if (telegraf) {
            JsonNode tags = o.path("tags");
            for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String value = e.getValue().asText();
                if (!b.idTooLong("tag key", e.getKey()) && !b.idTooLong("value of tag " + e.getKey(), value)) {
                    b.tag(e.getKey(), value);
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.get("fields").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!b.idTooLong("field key", e.getKey())) {
                    value(b, e.getKey(), e.getValue());
                }
            }
            JsonNode ts = o.get("timestamp");
            if (ts != null) {
                if (!ts.isNumber() || !Double.isFinite(ts.asDouble())) {
                    sink.reject(RejectReason.MALFORMED, "json: telegraf timestamp is not a number");
                    return;
                }
                b.timestampMillis(telegrafMillis(ts));
            }
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (b.idTooLong("key", k)) {
                    continue;
                }
                switch (k) {
                    case "type", "measurement" -> { }
                    case "node_id", "peer_id", "node", "peer" -> {
                        if (!v.isTextual() && !v.isNumber()) {
                            b.fail(RejectReason.MALFORMED, k + " is " + v.getNodeType());
                        } else if (!b.idTooLong(k, v.asText())) {
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
                } else if (!b.stringTooLong(key, s)) {
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

    /**
     * Telegraf's JSON timestamp in milliseconds. Telegraf writes {@code time / json_timestamp_units} as a number
     * (1s by default; 1ms, 1us and 1ns are common, issue 18) and the record does not say which, so the unit is read
     * from the magnitude: below 1e11 seconds (anything up to the year 5138), below 1e14 milliseconds (from 1973),
     * below 1e17 microseconds, else nanoseconds. A present-day time is about 1.7e9, 1.7e12, 1.7e15 or 1.7e18 in
     * those units, so no real timestamp is near a boundary.
     */
    static long telegrafMillis(JsonNode ts) {
        if (ts.isIntegralNumber() && ts.canConvertToLong()) {
            long v = ts.asLong();
            double a = Math.abs((double) v);
            if (a < SECONDS_BELOW) {
                return v * 1000L;
            } else if (a < MILLIS_BELOW) {
                return v;
            } else if (a < MICROS_BELOW) {
                return Math.floorDiv(v, 1_000L);
            }
            return Math.floorDiv(v, 1_000_000L);
        }
        double v = ts.asDouble();
        double a = Math.abs(v);
        double millis = a < SECONDS_BELOW ? v * 1e3 : a < MILLIS_BELOW ? v : a < MICROS_BELOW ? v / 1e3 : v / 1e6;
        return (long) Math.floor(millis + 0.5); // saturates at the long range: such a time is refused as future or kept as past
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

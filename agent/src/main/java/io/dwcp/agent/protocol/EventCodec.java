package io.dwcp.agent.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Events ↔ NDJSON lines. Thread-safe (Jackson's ObjectMapper is, once configured). */
public final class EventCodec {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private EventCodec() {}

    /** One line, newline included. */
    public static byte[] line(Object event) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(event);
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 0, json.length);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable: " + event, e);
        }
    }
}

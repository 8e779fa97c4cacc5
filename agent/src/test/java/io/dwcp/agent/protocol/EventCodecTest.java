package io.dwcp.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EventCodec#line} encodes through a per-thread buffer: the bytes must be Jackson's own, plus the newline. */
class EventCodecTest {

    private static byte[] expected(Object event) throws Exception {
        byte[] json = EventCodec.MAPPER.writeValueAsBytes(event);
        byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
        out[json.length] = '\n';
        return out;
    }

    @Test
    void sameBytesAsJacksonForSmallHugeAndSmallAgain() throws Exception {
        Map<String, Object> small = new LinkedHashMap<>();
        small.put("type", "bandwidth_prediction");
        small.put("predicted_bandwidth_mbps", 501.75653076171875);
        small.put("nan", Double.NaN); // written as null, counted
        Map<String, Object> huge = new LinkedHashMap<>(small);
        huge.put("blob", "é".repeat(100_000)); // grows the buffer past what a thread keeps
        assertArrayEquals(expected(small), EventCodec.line(small));
        assertArrayEquals(expected(huge), EventCodec.line(huge));
        byte[] again = EventCodec.line(small);
        assertArrayEquals(expected(small), again, "nothing of the huge event is left in the buffer");
        assertEquals("{\"type\":\"bandwidth_prediction\",\"predicted_bandwidth_mbps\":501.75653076171875,\"nan\":null}\n",
                new String(again, StandardCharsets.UTF_8));
    }

    @Test
    void aSerializerThatEncodesAnotherEventDoesNotShareTheBuffer() throws Exception {
        Object inner = Map.of("a", 1);
        Object outer = new Object() {
            @com.fasterxml.jackson.annotation.JsonValue
            Map<String, Object> value() {
                return Map.of("inner", new String(EventCodec.line(inner), StandardCharsets.UTF_8).trim());
            }
        };
        assertEquals("{\"inner\":\"{\\\"a\\\":1}\"}\n", new String(EventCodec.line(outer), StandardCharsets.UTF_8));
    }
}

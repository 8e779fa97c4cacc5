package io.dwcp.agent.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonGeneratorDecorator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Events ↔ NDJSON lines. Thread-safe (Jackson's ObjectMapper is, once configured).
 *
 * <p>Never writes a non-finite number (issue 17 item 2): Jackson's default writes NaN and ±Infinity as the
 * strings {@code "NaN"}/{@code "Infinity"}, which a client expecting a number cannot decode (the Go client
 * dropped such events as undecodable while the agent counted them written). Every generator this mapper
 * creates writes {@code null} instead, for any double or float — record components, arrays, and
 * {@code JsonNode} trees alike — and counts it in {@link #nonFiniteFields()}
 * ({@code dwcp_events_nonfinite_fields_total}). agent/PROTOCOL.md documents the rule.
 */
public final class EventCodec {
    private static final LongAdder NON_FINITE = new LongAdder();

    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .addDecorator(new FiniteNumbers())
            .build())
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

    /** Non-finite numbers written as {@code null} since start, by every user of {@link #MAPPER}. */
    public static long nonFiniteFields() {
        return NON_FINITE.sum();
    }

    /** Wraps each generator so that a non-finite double or float becomes {@code null}, counted. */
    private static final class FiniteNumbers implements JsonGeneratorDecorator {
        @Override
        public JsonGenerator decorate(JsonFactory factory, JsonGenerator generator) {
            return new JsonGeneratorDelegate(generator, true) {
                @Override
                public void writeNumber(double v) throws IOException {
                    if (Double.isFinite(v)) {
                        super.writeNumber(v);
                    } else {
                        NON_FINITE.increment();
                        super.writeNull();
                    }
                }

                @Override
                public void writeNumber(float v) throws IOException {
                    if (Float.isFinite(v)) {
                        super.writeNumber(v);
                    } else {
                        NON_FINITE.increment();
                        super.writeNull();
                    }
                }

                @Override
                public void writeArray(double[] array, int offset, int length) throws IOException {
                    // The delegate would hand the whole array to the wrapped generator, past writeNumber.
                    writeStartArray(array, length);
                    for (int i = offset; i < offset + length; i++) {
                        writeNumber(array[i]);
                    }
                    writeEndArray();
                }
            };
        }
    }
}

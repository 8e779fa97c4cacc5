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
        LineBuffer own = BUFFERS.get();
        LineBuffer buf = own.inUse ? new LineBuffer() : own; // re-entered from a serializer: no sharing
        buf.inUse = true;
        buf.count = 0;
        try {
            MAPPER.writeValue(buf, event);
            byte[] out = java.util.Arrays.copyOf(buf.bytes, buf.count + 1);
            out[buf.count] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable: " + event, e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown: the buffer is memory
        } finally {
            buf.inUse = false;
            if (buf == own && buf.bytes.length > LineBuffer.KEEP) {
                BUFFERS.remove(); // a rare huge event does not pin its buffer to the thread
            }
        }
    }

    /**
     * Each thread's encoding buffer, reused: {@code writeValueAsBytes} plus the newline copy allocated the line
     * two or three times over, ~60 % of the forecaster thread's garbage at 1,000 events/s (JFR); now the line is
     * allocated once, at its size. Jackson recycles its own generator buffers per thread.
     */
    private static final ThreadLocal<LineBuffer> BUFFERS = ThreadLocal.withInitial(LineBuffer::new);

    private static final class LineBuffer extends java.io.OutputStream {
        static final int KEEP = 64 * 1024;
        byte[] bytes = new byte[4096];
        int count;
        boolean inUse;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(count + more, bytes.length * 2));
            }
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

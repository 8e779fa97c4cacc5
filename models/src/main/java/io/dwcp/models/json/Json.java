package io.dwcp.models.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;

/**
 * The mappers every JSON writer in models/ uses. A number that is NaN or infinite (a ratio over zero, an AUC without
 * both classes, a metric of an empty split) is written as null: JSON has no such numbers, and Jackson's default, the
 * strings "NaN" and "Infinity", reads as text to any consumer expecting a number (a strict parser, Go's
 * encoding/json into a float64, jq arithmetic). Finite numbers are written exactly as Jackson's default does.
 *
 * <p>The rule sits on the generator, not on serializers, so it holds however a number arrives: boxed or primitive,
 * in a {@code double[]}, a record component or a {@code JsonNode} tree. {@code convertValue} does not write JSON and
 * keeps NaN as NaN. Reading is unchanged (a null read into a {@code Double} is null).
 *
 * <p>Each call returns a new mapper; configure it before sharing it, after which it is thread-safe (Jackson's
 * contract).
 */
public final class Json {
    private Json() {
    }

    /** A mapper that writes one line. */
    public static ObjectMapper mapper() {
        return new ObjectMapper(JsonFactory.builder().addDecorator((factory, g) -> new NonFiniteAsNull(g)).build());
    }

    /** A mapper that writes indented (Jackson's default pretty printer), as the files meant for people to read are. */
    public static ObjectMapper indentedMapper() {
        return mapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes a non-finite double or float as null and passes everything else through. */
    static final class NonFiniteAsNull extends JsonGeneratorDelegate {
        NonFiniteAsNull(JsonGenerator d) {
            super(d, true);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            if (Double.isFinite(v)) delegate.writeNumber(v);
            else delegate.writeNull();
        }

        @Override
        public void writeNumber(float v) throws IOException {
            if (Float.isFinite(v)) delegate.writeNumber(v);
            else delegate.writeNull();
        }

        /** Jackson's {@code double[]} serializer writes the whole array here, past {@link #writeNumber(double)}. */
        @Override
        public void writeArray(double[] array, int offset, int length) throws IOException {
            _verifyOffsets(array.length, offset, length);
            delegate.writeStartArray(array, length);
            for (int i = offset, end = offset + length; i < end; i++) writeNumber(array[i]);
            delegate.writeEndArray();
        }
    }
}

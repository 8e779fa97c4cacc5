package io.dwcp.agent.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dwcp.agent.protocol.Anomaly;
import io.dwcp.agent.protocol.BandwidthPrediction;
import io.dwcp.agent.protocol.CompressionChoice;
import io.dwcp.agent.protocol.DegradationForecast;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventCodec;
import io.dwcp.agent.protocol.LatencyResult;
import io.dwcp.agent.protocol.PredictionError;
import io.dwcp.agent.protocol.Request;
import io.dwcp.agent.protocol.TransferRecommendation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 17 item 2: every event type, streamed and as a reply's result, is one strict JSON line whatever the
 * numbers in it (zeros, extremes, NaN, ±Infinity): a component the protocol documents as a number (a Java
 * {@code double}/{@code float}/{@code int}/{@code long} component, or an array or list of them) is a JSON
 * number, or {@code null} exactly when the value was not finite, and each such null is counted.
 */
class WireNumbersPropertyTest {
    /** Strict: no NaN/Infinity tokens, no trailing content after the object. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** Every event type the agent streams or puts in a reply. */
    static final List<Class<? extends Record>> TYPES = List.of(Anomaly.class, BandwidthPrediction.class,
            CompressionChoice.class, DegradationForecast.class, LatencyResult.class, PredictionError.class,
            TransferRecommendation.class);

    @Provide
    Arbitrary<Class<? extends Record>> types() {
        return Arbitraries.of(TYPES);
    }

    @Provide
    Arbitrary<List<Double>> numbers() {
        Arbitrary<Double> special = Arbitraries.of(0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, 1e300,
                (double) Float.MAX_VALUE, (double) Long.MAX_VALUE);
        Arbitrary<Double> any = Arbitraries.doubles().between(-1e12, 1e12);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, special), net.jqwik.api.Tuple.of(1, any))
                .list().ofMinSize(1).ofMaxSize(64);
    }

    @Provide
    Arbitrary<List<String>> strings() {
        // Control characters, quotes, backslashes, non-ASCII and lone surrogates must all stay inside one line.
        Arbitrary<String> s = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> nasty = Arbitraries.of("", "\n", "\r\n", "\u001b[31mred", "\"", "\\", "\u2028", "\ud800", "NaN");
        return Arbitraries.oneOf(s, nasty).list().ofMinSize(1).ofMaxSize(16);
    }

    @Property(tries = 600)
    void everyEventIsOneStrictJsonLineWithNumbersWhereNumbersAreDocumented(
            @ForAll("types") Class<? extends Record> type, @ForAll("numbers") List<Double> numbers,
            @ForAll("strings") List<String> strings) throws Exception {
        Builder b = new Builder(numbers, strings);
        Record event = b.build(type);
        long before = EventCodec.nonFiniteFields();

        JsonNode streamed = parseLine(EventCodec.line(event));
        assertEquals(((Event) event).type(), streamed.get("type").asText());
        assertEquals(Event.SCHEMA_VERSION, streamed.get("v").asInt());
        assertEquals(b.nonFinite, checkNumbers(event, streamed, type.getSimpleName()));

        JsonNode reply = parseLine(SocketServer.reply(Request.Reply.ok("7", event)));
        assertEquals("reply", reply.get("type").asText());
        assertEquals(b.nonFinite, checkNumbers(event, reply.get("result"), type.getSimpleName()));

        assertEquals(2L * b.nonFinite, EventCodec.nonFiniteFields() - before, "each null counted once per line");
    }

    @Property(tries = 200)
    void errorRepliesAreStrictJsonLines(@ForAll("strings") List<String> strings) throws Exception {
        JsonNode e = parseLine(SocketServer.reply(Request.Reply.error(strings.get(0), "bad_request",
                String.join("", strings))));
        assertEquals("error", e.get("type").asText());
        assertEquals(String.join("", strings), e.get("error").get("message").asText());
    }

    private static JsonNode parseLine(byte[] line) throws Exception {
        assertTrue(line.length > 1 && line[line.length - 1] == '\n', "ends with one newline");
        String s = new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
        assertFalse(s.contains("\n") || s.contains("\r"), "no raw newline inside a line: " + s);
        JsonNode n = STRICT.readTree(s);
        assertTrue(n.isObject(), s);
        return n;
    }

    /** Asserts each numeric component is a number (or null when non-finite); returns how many were null. */
    private static int checkNumbers(Object value, JsonNode node, String where) {
        if (value instanceof Record r) {
            int nulls = 0;
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object v;
                try {
                    v = c.getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                JsonNode f = node.get(c.getName());
                if (v == null) {
                    assertTrue(f == null || f.isNull(), where + "." + c.getName());
                    continue;
                }
                assertTrue(f != null, where + "." + c.getName() + " missing in " + node);
                nulls += checkNumbers(v, f, where + "." + c.getName());
            }
            return nulls;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                assertTrue(node.isNumber(), where + " must be a number, was " + node);
                assertEquals(d, node.asDouble(), Math.abs(d) * 1e-6, where);
                return 0;
            }
            assertTrue(node.isNull(), where + " non-finite must be null, was " + node);
            return 1;
        }
        if (value instanceof Integer || value instanceof Long) {
            assertTrue(node.isIntegralNumber(), where + " must be an integer, was " + node);
            assertEquals(((Number) value).longValue(), node.asLong(), where);
            return 0;
        }
        if (value instanceof double[] a) {
            assertTrue(node.isArray() && node.size() == a.length, where + " must be a number array, was " + node);
            int nulls = 0;
            for (int i = 0; i < a.length; i++) {
                nulls += checkNumbers(a[i], node.get(i), where + "[" + i + "]");
            }
            return nulls;
        }
        if (value instanceof List<?> l) {
            assertTrue(node.isArray() && node.size() == l.size(), where);
            int nulls = 0;
            for (int i = 0; i < l.size(); i++) {
                nulls += checkNumbers(l.get(i), node.get(i), where + "[" + i + "]");
            }
            return nulls;
        }
        if (value instanceof Map<?, ?> m) {
            int nulls = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                nulls += checkNumbers(e.getValue(), node.get(String.valueOf(e.getKey())), where + "." + e.getKey());
            }
            return nulls;
        }
        if (value instanceof String s) {
            assertTrue(node.isTextual(), where);
            if (s.chars().noneMatch(c -> Character.isSurrogate((char) c))) { // a lone surrogate is written as '?', a pair as itself
                assertEquals(s, node.asText(), where);
            }
            return 0;
        }
        if (value instanceof Boolean bo) {
            assertEquals(bo, node.asBoolean(), where);
            return 0;
        }
        throw new AssertionError("unhandled component type at " + where + ": " + value.getClass());
    }

    /** Fills any record reflectively from the generated numbers and strings, cycling through them. */
    private static final class Builder {
        private final List<Double> numbers;
        private final List<String> strings;
        private int n;
        private int s;
        int nonFinite;

        Builder(List<Double> numbers, List<String> strings) {
            this.numbers = numbers;
            this.strings = strings;
        }

        double nextDouble() {
            double d = numbers.get(n++ % numbers.size());
            if (!Double.isFinite(d)) {
                nonFinite++;
            }
            return d;
        }

        String nextString() {
            return strings.get(s++ % strings.size());
        }

        int nextInt() {
            double d = numbers.get(n++ % numbers.size());
            return Double.isFinite(d) ? (int) d : 0; // Java int casts saturate: Integer.MIN/MAX_VALUE included
        }

        <R extends Record> R build(Class<R> type) {
            RecordComponent[] cs = type.getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                args[i] = value(cs[i].getType(), cs[i].getGenericType());
            }
            try {
                var ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                return ctor.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        @SuppressWarnings("unchecked")
        Object value(Class<?> t, Type generic) {
            if (t == double.class || t == Double.class) {
                return nextDouble();
            }
            if (t == float.class) {
                return (float) nextDouble();
            }
            if (t == int.class || t == Integer.class) {
                return nextInt();
            }
            if (t == long.class || t == Long.class) {
                double d = numbers.get(n++ % numbers.size());
                return Double.isFinite(d) ? (long) d : 0L;
            }
            if (t == boolean.class) {
                return (n++ & 1) == 0;
            }
            if (t == String.class) {
                return nextString();
            }
            if (t == double[].class) {
                double[] a = new double[n % 5];
                for (int i = 0; i < a.length; i++) {
                    a[i] = nextDouble();
                }
                return a;
            }
            if (t.isRecord()) {
                return build((Class<? extends Record>) t);
            }
            if (t == List.class) {
                Class<?> el = (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[0];
                List<Object> l = new ArrayList<>();
                for (int i = 0, k = n % 4; i < k; i++) {
                    l.add(value(el, el));
                }
                return l;
            }
            if (t == Map.class) {
                Map<String, Object> m = new LinkedHashMap<>();
                Class<?> el = (Class<?>) ((ParameterizedType) generic).getActualTypeArguments()[1];
                for (int i = 0, k = n % 4; i < k; i++) {
                    m.put("f" + i, value(el, el));
                }
                return m;
            }
            throw new AssertionError("no generator for " + t);
        }
    }
}

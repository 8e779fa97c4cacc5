package io.dwcp.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request parser alone: what a line asks for, and the id of a line too long to parse. */
class RequestCodecTest {
    static RequestCodec.Invalid invalid(String line) {
        return assertInstanceOf(RequestCodec.Invalid.class, RequestCodec.parse(line, Set.of("PredictBandwidth")));
    }

    static String prefixId(String s) {
        return RequestCodec.idFromPrefix(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingMethodIsBadRequestNotUnknownMethod() {
        RequestCodec.Invalid i = invalid("{\"id\":\"1\",\"params\":{}}");
        assertEquals("bad_request", i.code());
        assertEquals("1", i.id());
        assertEquals("unknown_method", invalid("{\"id\":\"1\",\"method\":\"\"}").code());
    }

    @Test
    void trailingTokensAreRefused() {
        assertEquals("bad_request", invalid("{\"id\":\"1\",\"method\":\"ping\"} x").code());
        assertEquals("bad_request", invalid("{\"id\":\"1\",\"method\":\"ping\"} {}").code());
        assertInstanceOf(RequestCodec.Control.class, RequestCodec.parse("{\"id\":\"1\",\"method\":\"ping\"}  \t", Set.of()));
    }

    @Test
    void idFromAPrefixIsTheTopLevelIdWhenItIsComplete() {
        assertEquals("a", prefixId("{\"id\":\"a\",\"method\":\"PredictBandwidth\",\"params\":{\"window\":[[1,2"));
        assertEquals("7", prefixId("{\"method\":\"x\",\"params\":{\"id\":\"inner\"},\"id\":7,\"x\":[1,"));
        assertNull(prefixId("{\"params\":{\"window\":[[1,2,3"), "id after the prefix");
        assertNull(prefixId("{\"id\":\"abc"), "id cut by the prefix");
        assertNull(prefixId("{\"id\":true,"));
        assertNull(prefixId("{\"id\":\"\","));
        assertNull(prefixId("[1,2"));
        assertNull(prefixId("not json"));
        assertNull(prefixId(""));
    }
}

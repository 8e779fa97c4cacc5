package io.dwcp.agent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.dwcp.agent.protocol.Params;
import io.dwcp.agent.protocol.RequestCodec;
import io.dwcp.agent.spec.BuiltinModels;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes socket request lines: the codec is total (never throws), and parameter validation fails only with
 * IllegalArgumentException (which the agent answers as {@code bad_request}).
 */
class RequestFuzzTest {
    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void request(byte[] data) {
        // The id of an overlong line is read from its first bytes: total too, and never an empty id.
        String prefixId = RequestCodec.idFromPrefix(java.util.Arrays.copyOf(data, Math.min(data.length,
                RequestCodec.ID_PREFIX_BYTES)));
        if (prefixId != null && prefixId.isEmpty()) {
            throw new AssertionError("empty id from a prefix");
        }
        RequestCodec.Parsed p = RequestCodec.parse(new String(data, StandardCharsets.UTF_8), BuiltinModels.registry().methods());
        if (p == null) {
            throw new AssertionError("null parse");
        }
        if (p instanceof RequestCodec.Inference inf) {
            JsonNode params = inf.params();
            try {
                if (params.has("window")) {
                    float[][] rows = Params.rows(params.get("window"), 6, "params.window");
                    for (float[] r : rows) {
                        for (float v : r) {
                            if (!Float.isFinite(v)) {
                                throw new AssertionError("non-finite value passed validation");
                            }
                        }
                    }
                }
                if (params.has("features")) {
                    Params.row(params.get("features"), 9, "params.features");
                }
            } catch (IllegalArgumentException expected) {
                // answered as bad_request
            }
        }
    }
}

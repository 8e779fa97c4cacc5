package io.dwcp.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Something the agent tells the Go process. Serialised as one JSON object per line with
 * {@code "v"} (schema version) and {@code "type"} first; see agent/PROTOCOL.md. Implementations are
 * immutable records whose component names are the wire names (snake_case). Not sealed: a registered model
 * brings its own event type (see {@code io.dwcp.agent.registry.ModelSpec}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface Event {
    int SCHEMA_VERSION = 1;

    @JsonProperty("v")
    default int v() {
        return SCHEMA_VERSION;
    }

    @JsonProperty("type")
    String type();
}

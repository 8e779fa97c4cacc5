package io.dwcp.agent.protocol;

/**
 * A request the agent refuses because of what it asked for, with the protocol error code to answer
 * (agent/PROTOCOL.md "Error codes"). A plain {@link IllegalArgumentException} from parameter validation is
 * answered {@code bad_request}; this one carries another code, e.g. {@code unknown_link} for a link the
 * agent has no samples of, which is not a malformed request.
 */
public final class RequestError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** No window for the link named (no samples yet, or evicted). */
    public static final String UNKNOWN_LINK = "unknown_link";
    /** No window or history for the node named. */
    public static final String UNKNOWN_NODE = "unknown_node";
    /** The key's window exists but holds fewer samples than the model reads. */
    public static final String WINDOW_NOT_FULL = "window_not_full";

    private final String code;

    public RequestError(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The code to answer for a validation failure: its own for a {@link RequestError}, else bad_request. */
    public static String codeOf(IllegalArgumentException e) {
        return e instanceof RequestError r ? r.code : "bad_request";
    }
}

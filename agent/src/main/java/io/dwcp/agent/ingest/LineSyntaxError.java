package io.dwcp.agent.ingest;

/** A line-protocol syntax error: the line is malformed. No stack trace: it is an expected outcome. */
final class LineSyntaxError extends RuntimeException {
    LineSyntaxError(String message) {
        super(message, null, false, false);
    }
}

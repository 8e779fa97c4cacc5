package io.dwcp.agent.config;

/** The agent cannot start as configured: the message names the setting, port or path, and the process exits 2. */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}

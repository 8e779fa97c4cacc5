package io.dwcp.agent.config;

/**
 * The agent cannot start as configured: the message names the setting, port or path. {@link #mayHeal()} says
 * whether the same start can succeed later without an operator (a port still held by a stopping process, a
 * socket directory not yet created or writable): the process then exits {@link #EXIT_MAY_HEAL} (systemd
 * restarts it), otherwise {@link #EXIT_CONFIG} (the unit's {@code RestartPreventExitStatus}). Issue 17 item 9.
 */
public final class StartupException extends RuntimeException {
    /** Configuration errors and start-up failures only an operator can fix; the unit does not restart on it. */
    public static final int EXIT_CONFIG = 2;
    /** Start-up failures that may heal by themselves (EX_TEMPFAIL); the unit restarts on it. */
    public static final int EXIT_MAY_HEAL = 75;

    private final boolean mayHeal;

    public StartupException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private StartupException(String message, Throwable cause, boolean mayHeal) {
        super(message, cause);
        this.mayHeal = mayHeal;
    }

    /** A failure that a later start may not meet: a busy port or address, a directory not (yet) writable. */
    public static StartupException mayHeal(String message, Throwable cause) {
        return new StartupException(message, cause, true);
    }

    public boolean mayHeal() {
        return mayHeal;
    }
}

/**
 * The {@code dwcp-models} command line (picocli): {@code train}, {@code evaluate}, {@code retrain},
 * {@code promote}, {@code rollback}; also reached as {@code dwcp-agent models ...}. Owns argument parsing,
 * exit codes (0 met, 1 missed, 2 error) and printing; the work is done by {@code train}, {@code serving}
 * (version links) and {@code history}. The top of the package graph: nothing in models depends on it.
 */
package io.dwcp.models.cli;

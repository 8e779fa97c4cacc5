/** The recorded-history file format: written by the agent, read by {@code retrain} (see HISTORY.md). */
package io.dwcp.models.history;

/**
 * How models/ writes JSON: {@link io.dwcp.models.json.Json} is the one place that decides it, so every file and
 * line it writes (evaluate's result, report.json, summary.json, study.json, metadata.json, the history header)
 * follows one policy. Depends on nothing else in models; every package may use it.
 */
package io.dwcp.models.json;

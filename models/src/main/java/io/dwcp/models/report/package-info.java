/**
 * Per-model report.json / report.md, the aggregated summary, and the PNG plots (xchart, headless). Training
 * side only: {@code serving} must not use it (ArchUnit). Depends on nothing else in models but {@code json}.
 */
package io.dwcp.models.report;

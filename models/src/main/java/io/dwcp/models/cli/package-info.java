/** The picocli train/evaluate command line. */
package io.dwcp.models.cli;

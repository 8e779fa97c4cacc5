/** Report JSON/Markdown and PNG plots. */
package io.dwcp.models.report;

/** What the agent uses: artifact loading and thread-safe, batch-first inference classes taking raw feature values. */
package io.dwcp.models.serving;

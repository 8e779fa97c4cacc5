/** Isolation Forest training into the shared FlatForest format, and a reference scorer. */
package io.dwcp.models.forest;

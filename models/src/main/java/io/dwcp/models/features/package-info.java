/** Feature schemas and scalers, the single definition shared by training and the agent. */
package io.dwcp.models.features;

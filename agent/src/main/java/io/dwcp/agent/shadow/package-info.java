/** Shadow evaluation and promotion of retrained models (issue 8). */
package io.dwcp.agent.shadow;

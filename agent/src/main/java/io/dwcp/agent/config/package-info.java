/**
 * The agent's configuration: one immutable, validated {@link io.dwcp.agent.config.AgentConfig} read once at
 * start (errors name key and value), the device choice, and the start-up failure type that maps to exit 2.
 */
package io.dwcp.agent.config;

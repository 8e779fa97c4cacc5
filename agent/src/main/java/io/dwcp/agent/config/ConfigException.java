package io.dwcp.agent.config;

/** An invalid setting: the message names the key and the offending value, and startup stops. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, Object value, String why) {
        super("invalid configuration " + key + "=" + value + ": " + why);
    }
}

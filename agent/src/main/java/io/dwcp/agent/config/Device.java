package io.dwcp.agent.config;

import java.util.Locale;

/** {@code dwcp.inference.device}: auto = GPU when a usable one is present, else CPU. */
public enum Device {
    AUTO, GPU, CPU;

    public static Device parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}

package io.dwcp.agent.predict;

import java.util.Locale;

/** Severity ladder of the latency design: warning at 1×, critical at 2×, emergency at 5× the threshold. */
public enum Severity {
    NONE, WARNING, CRITICAL, EMERGENCY;

    public static Severity ofRatio(double errorOverThreshold) {
        if (errorOverThreshold >= 5) {
            return EMERGENCY;
        }
        if (errorOverThreshold >= 2) {
            return CRITICAL;
        }
        if (errorOverThreshold >= 1) {
            return WARNING;
        }
        return NONE;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

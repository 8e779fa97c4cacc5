package io.dwcp.models.serving;

import org.junit.jupiter.api.Test;

import static io.dwcp.models.serving.LatencyDetector.Severity.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencySeverityTest {
    @Test
    void severityBands() {
        assertEquals(NONE, LatencyDetector.severity(0.99, 1));
        assertEquals(WARNING, LatencyDetector.severity(1.0, 1));
        assertEquals(WARNING, LatencyDetector.severity(1.99, 1));
        assertEquals(CRITICAL, LatencyDetector.severity(2.0, 1));
        assertEquals(CRITICAL, LatencyDetector.severity(4.99, 1));
        assertEquals(EMERGENCY, LatencyDetector.severity(5.0, 1));
    }
}

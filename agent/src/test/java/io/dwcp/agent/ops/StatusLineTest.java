package io.dwcp.agent.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.agent.registry.ModelSet;
import io.dwcp.agent.spec.BuiltinModels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    @Test
    void namesTransportModelsRatesAndClients() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        Counter records = Counter.builder("dwcp.ingest.records").register(r);
        Counter a = Counter.builder("dwcp.predictions").tag("model", "a").register(r);
        Counter b = Counter.builder("dwcp.predictions").tag("model", "b").register(r);
        ModelSet models = ModelSet.baselines(BuiltinModels.registry());
        StatusLine line = new StatusLine(r, models::describe, () -> 3);
        records.increment(1000);
        a.increment(10);
        b.increment(5);
        String s = line.get();
        assertTrue(s.startsWith(Transports.name() + "; models " + models.get(BuiltinModels.BANDWIDTH).name() + ", "), s);
        assertTrue(s.matches(".*; [0-9.]+ records/s, [0-9.]+ predictions/s; 3 socket clients"), s);
        double rate = Double.parseDouble(s.replaceAll(".*; ([0-9.]+) records/s.*", "$1"));
        assertTrue(rate > 0, "counted since construction: " + s);
        assertTrue(!s.contains("\n"), s);
        // The next line counts only what happened since the previous one.
        String next = line.get();
        assertTrue(next.contains("; 0.0 records/s, 0.0 predictions/s;"), next);
    }
}

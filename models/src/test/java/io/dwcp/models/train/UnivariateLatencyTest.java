package io.dwcp.models.train;

import io.dwcp.models.data.NabSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class UnivariateLatencyTest {
    @Test
    void trainsOnProbationaryPeriodAndScoresTheRest(@TempDir Path dir) throws Exception {
        Path nab = Path.of("src/test/resources/nab");
        NabSeries s = NabSeries.folder(nab, nab.resolve("windows.json")).get(0);
        TrainConfig cfg = new TrainConfig(42, 2, dir, null, null, 0.98, 1.0, 1, false);
        Path art = UnivariateLatency.train(s, dir.resolve("u"), cfg);
        UnivariateLatency.Outcome o = UnivariateLatency.evaluate(s, art);
        assertEquals(2, o.windows());
        assertTrue(o.threshold() > 0);
        assertTrue(o.falseAlarmsPer1000() >= 0);
        assertEquals(s.length() - (int) (s.length() * UnivariateLatency.PROBATION), o.points());
    }

    /** One point short of a probationary period and a point to score: refused by name, before any fitting. */
    @Test
    void refusesASeriesTooShort(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < UnivariateLatency.MIN_POINTS - 1; i++) csv.append(String.format("2014-02-14 00:%02d:00,%d%n", i, 10 + i % 3));
        NabSeries s = NabSeries.read(Files.writeString(dir.resolve("short.csv"), csv.toString()));
        TrainConfig cfg = new TrainConfig(42, 2, dir, null, null, 0.98, 1.0, 1, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnivariateLatency.train(s, dir.resolve("u"), cfg));
        assertEquals("short.csv: 40 points, fewer than 41", e.getMessage());
        assertFalse(Files.exists(dir.resolve("u")));
        e = assertThrows(IllegalArgumentException.class, () -> UnivariateLatency.evaluate(s, dir.resolve("u")));
        assertEquals("short.csv: 40 points, fewer than 41", e.getMessage());
    }
}

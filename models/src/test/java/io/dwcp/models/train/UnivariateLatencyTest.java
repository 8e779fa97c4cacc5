package io.dwcp.models.train;

import io.dwcp.models.data.NabSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}

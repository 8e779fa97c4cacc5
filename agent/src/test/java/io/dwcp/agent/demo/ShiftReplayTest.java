package io.dwcp.agent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8 "done when", short: replay with a shift, record, retrain, shadow, promote, MAPE recovers. */
class ShiftReplayTest {
    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void retrainedCandidateIsPromotedAndLiveMapeRecovers() throws Exception {
        String shift = System.getProperty("shift", "shaped");
        ShiftReplay.Result r = ShiftReplay.run(work, 2400, 3, 6, shift, Duration.ofSeconds(3), 300);
        System.out.printf("shift %s: retrain holdout cand %.2f%% cur %.2f%% last %.2f%% (%.1f s); decision %s; live MAPE before %.2f%%,"
                        + " after shift old model %.2f%%, after decision %.2f%%; %s%n", shift, r.retrain().candidateMape(),
                r.retrain().currentMape(), r.retrain().lastValueMape(), r.retrain().seconds(), r.shadow(),
                100 * r.mapeBeforeShift(), 100 * r.mapeAfterShiftOldModel(), 100 * r.mapeAfterDecision(), r.metrics());
        assertTrue(r.retrain().marked());
        assertEquals("promoted", r.decision(), String.valueOf(r.shadow()));
        assertTrue(r.mapeAfterDecision() < r.mapeAfterShiftOldModel());
    }
}

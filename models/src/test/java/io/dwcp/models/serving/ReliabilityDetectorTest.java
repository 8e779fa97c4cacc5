package io.dwcp.models.serving;

import io.dwcp.models.train.Progress;
import io.dwcp.models.train.ReliabilityTrainer;
import io.dwcp.models.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReliabilityDetectorTest {
    @Test
    void servesRawRowsLikeTraining(@TempDir Path dir) throws Exception {
        new ReliabilityTrainer().train(TrainConfig.quick(dir, 3), Progress.none());
        ModelArtifact a = ModelArtifact.load(dir.resolve("reliability"));
        double[][] in = ModelMetadata.json().convertValue(a.metadata().smokeTest().get("inputs"), double[][].class);
        List<?> scores = (List<?>) a.metadata().smokeTest().get("scores");
        try (ReliabilityDetector d = new ReliabilityDetector(a)) {
            double[] s = d.score(in);
            for (int i = 0; i < s.length; i++) {
                assertEquals(((Number) scores.get(i)).doubleValue(), s[i], 0.0);
                assertTrue(s[i] > 0 && s[i] <= 1);
            }
            // An obviously broken node: 80% uptime, 50% failures, 30% loss, huge retransmits and burn.
            double[] broken = {80, 0.5, 0.3, 20000, 30, 500, 1.0, 0.99, 0.3};
            assertTrue(d.anomalous(new double[][] {broken})[0]);
        }
    }
}

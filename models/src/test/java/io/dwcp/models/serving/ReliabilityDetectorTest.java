package io.dwcp.models.serving;

import io.dwcp.jni.Implementation;
import io.dwcp.models.features.Scaler;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.train.Progress;
import io.dwcp.models.train.ReliabilityTrainer;
import io.dwcp.models.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReliabilityDetectorTest {
    @TempDir
    static Path dir;
    static ModelArtifact artifact;

    @BeforeAll
    static void train() throws Exception {
        new ReliabilityTrainer().train(TrainConfig.quick(dir, 3), Progress.none());
        artifact = ModelArtifact.load(dir.resolve("reliability"));
    }

    /** An obviously broken node: 80% uptime, 50% failures, 30% loss, huge retransmits and burn. */
    private static final double[] BROKEN = {80, 0.5, 0.3, 20000, 30, 500, 1.0, 0.99, 0.3};

    @Test
    void servesRawRowsLikeTraining() throws Exception {
        double[][] in = ModelMetadata.json().convertValue(artifact.metadata().smokeTest().get("inputs"), double[][].class);
        List<?> scores = (List<?>) artifact.metadata().smokeTest().get("scores");
        try (ReliabilityDetector d = new ReliabilityDetector(artifact)) {
            double[] s = d.score(in);
            // C and Java kernels are bit-identical to the reference walk training used; CUDA promises 1e-6.
            double tol = d.implementation() == Implementation.CUDA ? 1e-6 : 0.0;
            for (int i = 0; i < s.length; i++) {
                double want = ((Number) scores.get(i)).doubleValue();
                assertEquals(want, s[i], tol * want);
                assertTrue(s[i] > 0 && s[i] <= 1);
            }
            assertTrue(d.anomalous(new double[][] {BROKEN})[0]);
        }
    }

    @Test
    void everyKernelGivesTheReferenceScores() throws Exception {
        double[][] in = ModelMetadata.json().convertValue(artifact.metadata().smokeTest().get("inputs"), double[][].class);
        double[] want;
        try (ReliabilityDetector java = new ReliabilityDetector(artifact, Implementation.JAVA)) {
            want = java.score(in);
            assertEquals(Implementation.JAVA, java.implementation());
        }
        try (ReliabilityDetector d = new ReliabilityDetector(artifact)) {
            double[] got = d.score(in);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], d.implementation() == Implementation.CUDA ? 1e-6 * want[i] : 0.0);
            }
        }
    }

    @Test
    void detectExplainsTheWorstFeatureAndGradesSeverity() throws Exception {
        try (ReliabilityDetector d = new ReliabilityDetector(artifact)) {
            Scaler sc = d.scaler();
            double[] centre = sc.inverse(new double[Schemas.RELIABILITY.size()]);
            double[][] rows = {centre, BROKEN};
            ReliabilityDetector.Detection[] det = d.detect(rows);
            double[] scores = d.score(rows);
            assertEquals(2, det.length);
            for (int i = 0; i < det.length; i++) {
                ReliabilityDetector.Detection x = det[i];
                assertEquals(scores[i], x.score());
                assertEquals(x.score() >= d.threshold(), x.anomalous());
                assertEquals(d.cutoffs().severity(x.score()), x.severity());
                assertEquals(x.anomalous(), x.severity() != ReliabilityDetector.Severity.NONE);
                double[] scaled = sc.transform(rows[i]);
                for (double v : scaled) assertTrue(Math.abs(v) <= Math.abs(x.deviation()));
                assertEquals(scaled[x.feature()], x.deviation());
                assertEquals(rows[i][x.feature()], x.value());
                assertEquals(sc.inverse(x.feature(), 0), x.expected());
                assertTrue(x.confidence() >= 0.5 && x.confidence() <= 1, "confidence " + x.confidence());
            }
            assertFalse(det[0].anomalous(), "the training centre is normal");
            assertTrue(det[1].anomalous());
        }
    }

    @Test
    void cutoffsSplitTheRangeAboveTheThresholdInThirds() {
        ReliabilityDetector.Cutoffs c = ReliabilityDetector.Cutoffs.of(0.4);
        assertEquals(0.4, c.warning());
        assertEquals(0.4 + 0.6 / 3, c.critical());
        assertEquals(0.4 + 2 * 0.6 / 3, c.emergency());
        assertEquals(ReliabilityDetector.Severity.NONE, c.severity(0.3999));
        assertEquals(ReliabilityDetector.Severity.WARNING, c.severity(0.4));
        assertEquals(ReliabilityDetector.Severity.CRITICAL, c.severity(0.61));
        assertEquals(ReliabilityDetector.Severity.EMERGENCY, c.severity(0.81));
        // a threshold of 1 leaves no room above it: a score of 1 is a warning, nothing divides by zero
        assertEquals(ReliabilityDetector.Severity.WARNING, ReliabilityDetector.Cutoffs.of(1.0).severity(1.0));
    }

    @Test
    void badRowsAreClearErrorsAndCloseIsFinal() throws Exception {
        ReliabilityDetector d = new ReliabilityDetector(artifact);
        double[] nan = BROKEN.clone();
        nan[2] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.detect(new double[][] {BROKEN, nan}));
        assertEquals("sample row 1, column 2 is NaN", e.getMessage());
        assertEquals("row 0 has 3 features, expected 9",
                assertThrows(IllegalArgumentException.class, () -> d.score(new double[][] {{1, 2, 3}})).getMessage());
        d.close();
        assertThrows(IllegalStateException.class, () -> d.score(new double[][] {BROKEN}));
        assertDoesNotThrow(d::close);
    }
}

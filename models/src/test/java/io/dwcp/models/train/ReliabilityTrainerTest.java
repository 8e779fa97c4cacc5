package io.dwcp.models.train;

import io.dwcp.jni.FlatForest;
import io.dwcp.models.data.NodeSeries;
import io.dwcp.models.data.SyntheticReliability;
import io.dwcp.models.serving.ModelMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReliabilityTrainerTest {
    @Test
    void thresholdDependsOnlyOnTrainAndValidation() {
        List<NodeSeries> nodes = SyntheticReliability.generate(12, 100, 5);
        List<NodeSeries> train = nodes.subList(0, 8), val = nodes.subList(8, 10);
        ReliabilityTrainer.Fitted a = ReliabilityTrainer.fit(train, val, 1);
        // A different "test" world cannot change anything: fit() never receives it. Same inputs, same result.
        ReliabilityTrainer.Fitted b = ReliabilityTrainer.fit(train, val, 1);
        assertEquals(a.threshold(), b.threshold());
        assertEquals(a.forest(), b.forest());
        // ...and the validation split does matter (so the threshold is really chosen on it).
        ReliabilityTrainer.Fitted c = ReliabilityTrainer.fit(train, nodes.subList(10, 12), 1);
        assertEquals(a.forest(), c.forest());
    }

    @Test
    void trainsExportsAndReloads(@TempDir Path dir) throws Exception {
        TrainResult r = new ReliabilityTrainer().train(TrainConfig.quick(dir, 42), Progress.none());
        Path art = dir.resolve("reliability");
        ModelMetadata md = ModelMetadata.read(art.resolve("metadata.json"));
        assertEquals(r.targetMet(), md.targetMet());
        try (InputStream in = Files.newInputStream(art.resolve("forest.bin"))) {
            assertEquals(9, FlatForest.read(in).nFeatures());
        }
        assertTrue(Files.size(art.resolve("roc.png")) > 1000);
        TrainResult again = new ReliabilityTrainer().train(TrainConfig.quick(dir.resolve("again"), 42), Progress.none());
        assertEquals(r.metrics().get("pr_auc"), again.metrics().get("pr_auc"));
    }
}

package io.dwcp.models.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.data.SyntheticLinks;
import io.dwcp.models.history.HistoryRow;
import io.dwcp.models.history.HistoryWriter;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.ModelVersions;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** retrain → promote → rollback through the CLI, on history with a torn file in it. */
class RetrainCommandTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void retrainPromoteRollback() throws Exception {
        Path history = Files.createDirectories(tmp.resolve("history"));
        Path models = tmp.resolve("models");
        List<LinkSeries> links = SyntheticLinks.generate(2, 400, 3);
        for (int f = 0; f < 2; f++) {
            try (HistoryWriter w = HistoryWriter.create(history.resolve("history-" + f + ".dwh"))) {
                for (int t = f * 200; t < (f + 1) * 200; t += 50) {
                    List<HistoryRow> rows = new ArrayList<>();
                    for (LinkSeries s : links) {
                        for (int k = t; k < t + 50; k++) {
                            float[] v = new float[6];
                            for (int j = 0; j < 6; j++) v[j] = (float) s.rows()[k][j];
                            rows.add(new HistoryRow(s.id(), k * 60_000L, v));
                        }
                    }
                    w.write("bandwidth", rows);
                }
            }
        }
        Path torn = history.resolve("history-2.dwh");
        try (HistoryWriter w = HistoryWriter.create(torn)) {
            w.write("bandwidth", List.of(new HistoryRow(links.get(0).id(), 999_999_999L, new float[6])));
        }
        try (RandomAccessFile r = new RandomAccessFile(torn.toFile(), "rw")) {
            r.setLength(r.length() - 7);
        }
        CommandLine cli = new CommandLine(new ModelsCli());
        int rc = cli.execute("retrain", "--history-dir", history.toString(), "--models-dir", models.toString(),
                "--epochs", "2", "--min-steps", "100", "--mark-always");
        assertEquals(0, rc);
        ModelVersions v = new ModelVersions(models, "bandwidth");
        Path cand = v.candidate().orElseThrow();
        assertEquals("default", v.current().orElseThrow().getFileName().toString());
        ModelArtifact a = ModelArtifact.load(cand);
        assertEquals(cand.getFileName().toString(), a.metadata().version());
        assertTrue(a.metadata().metrics().containsKey("holdout_candidate_mape"));
        String report = Files.readString(cand.resolve("report.md"));
        assertTrue(report.contains("1 damaged blocks"), report);
        assertEquals(0, cli.execute("promote", "--models-dir", models.toString()));
        assertEquals(cand, v.current().orElseThrow());
        assertEquals(0, cli.execute("rollback", "--models-dir", models.toString()));
        assertEquals("default", v.current().orElseThrow().getFileName().toString());
        assertEquals(cand, v.previous().orElseThrow());
    }
}

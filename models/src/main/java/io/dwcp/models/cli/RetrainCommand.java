package io.dwcp.models.cli;

import io.dwcp.models.train.Progress;
import io.dwcp.models.train.Retrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code retrain}: a candidate forecaster from the agent's recorded history (issue 8). */
@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = "Train a candidate bandwidth forecaster from recorded history, evaluate it on the most recent "
                + "slice it never saw, write it as <models-dir>/bandwidth/<version>/ and mark it 'candidate' when it "
                + "beats the current model there. Exit 0 = candidate marked, 1 = written but not better, 2 = error.")
public final class RetrainCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--history-dir", required = true, description = "The agent's history directory (dwcp.history.dir).")
    Path historyDir;

    @Option(names = "--models-dir", required = true, description = "The agent's models directory (dwcp.inference.models-dir).")
    Path modelsDir;

    @Option(names = "--holdout", defaultValue = "0.2",
            description = "Most recent share of each link kept for the test (default ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--synthetic-links", defaultValue = "0",
            description = "Synthetic links mixed into training for regimes the history lacks (default ${DEFAULT-VALUE}).")
    int syntheticLinks;

    @Option(names = "--min-steps", defaultValue = "200",
            description = "Ignore links with fewer recorded samples (default ${DEFAULT-VALUE}).")
    int minSteps;

    @Option(names = "--epochs", defaultValue = "20", description = "Maximum epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "TensorFlow intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--mark-always", description = "Mark the new version candidate even when it is not better on the holdout.")
    boolean markAlways;

    @Override
    public Integer call() throws Exception {
        Retrainer.Result r = Retrainer.run(new Retrainer.Options(historyDir, modelsDir, holdout, syntheticLinks, minSteps,
                epochs, seed, threads, markAlways), Progress.none());
        System.out.printf("history: %d files, %d link rows, %d links used; skipped %d damaged files, %d damaged blocks (%d bytes)%n",
                r.history().files(), r.history().rows(), r.links(), r.history().filesSkipped(), r.history().blocksSkipped(),
                r.history().bytesSkipped());
        r.history().problems().forEach(p -> System.out.println("  " + p));
        System.out.printf("holdout (%d windows): candidate MAPE %.3f %%, current MAPE %.3f %%, last value %.3f %%%n",
                r.testWindows(), r.candidateMape(), r.currentMape(), r.lastValueMape());
        System.out.printf("wrote %s (%s) in %.1f s%n", r.version(), r.marked() ? "marked candidate" : "NOT marked candidate",
                r.seconds());
        return r.marked() ? 0 : 1;
    }
}

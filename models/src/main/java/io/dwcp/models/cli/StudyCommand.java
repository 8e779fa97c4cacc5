package io.dwcp.models.cli;

import io.dwcp.models.train.BandwidthStudy;
import io.dwcp.models.train.Progress;
import io.dwcp.models.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code study}: the forecaster's leave-one-out generalisation study ({@link BandwidthStudy}); writes
 * {@code study.json} and {@code study.md} to {@code --output-dir}.
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Bandwidth forecaster generalisation study: leave a family / interval / data source out, test on it.")
public final class StudyCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--traces", required = true, description = "Folder of <t_s>\\t<Mbps> training traces (as given to train).")
    Path traces;

    @Option(names = "--output-dir", required = true)
    Path out;

    @Option(names = "--runs", split = ",", defaultValue = "norway-to-fcc,fcc-to-norway,native-only,synthetic-only,traces-only,shipped")
    List<String> runs;

    @Option(names = "--shipped", description = "The shipped bandwidth artifact folder (for run 'shipped').")
    Path shipped;

    @Option(names = "--old", description = "A previous bandwidth artifact evaluated on the same test sets, side by side.")
    Path old;

    @Option(names = "--trained", description = "A previous study's --output-dir: evaluate its <run>/bandwidth models "
            + "instead of training them again.")
    Path trained;

    @Option(names = "--report", description = "Also add the table to this artifact folder's report.md / report.json "
            + "(section 'Generalisation', replaced if present).")
    Path report;

    @Option(names = "--arbiter-sweep", description = "Only print served-forecast figures of a grid of arbiter settings "
            + "on the validation data: the --shipped model and, with --trained, each run's model.")
    boolean sweep;

    @Option(names = "--epochs", defaultValue = "30")
    int epochs;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Override
    public Integer call() throws Exception {
        TrainConfig cfg = new TrainConfig(seed, epochs, out, null, traces, 0.98, 1.0, threads, false);
        if (sweep) {
            BandwidthStudy.arbiterSweep(cfg, shipped, trained, runs);
            return 0;
        }
        java.util.Map<String, Object> res = BandwidthStudy.run(cfg, runs, shipped, old, trained, out, Progress.none());
        if (report != null) BandwidthStudy.addToReport(report, res, java.nio.file.Files.readString(out.resolve("study.md")));
        System.out.println(java.nio.file.Files.readString(out.resolve("study.md")));
        return 0;
    }
}

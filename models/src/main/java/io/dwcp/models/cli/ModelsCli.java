package io.dwcp.models.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the models CLI: {@code train} (the master orchestrator of the design) and
 * {@code evaluate}, plus {@code retrain}, {@code promote} and {@code rollback} (issue 8), {@code export-weights} (issue 16). Exit codes: 0 success / all targets met, 1 a model missed its target, 2 usage or
 * runtime error.
 */
@Command(name = "dwcp-models", mixinStandardHelpOptions = true, version = "dwcp-models 0.1.0",
        description = "Train, evaluate and export the five DWCP models.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, StudyCommand.class, RetrainCommand.class,
                PromoteCommand.class, RollbackCommand.class, ExportWeightsCommand.class, CommandLine.HelpCommand.class})
public final class ModelsCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The command line {@link #main} runs: an exception from a command is printed and exits 2. */
    static CommandLine commandLine() {
        return new CommandLine(new ModelsCli()).setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 2;
        });
    }

    public static void main(String[] args) {
        int rc;
        try {
            rc = commandLine().execute(args);
        } catch (NoClassDefFoundError e) {
            // The edge package (issue 16) leaves TensorFlow out: training and evaluation cannot run there.
            if (e.getMessage() == null || !e.getMessage().startsWith("org/tensorflow/")) {
                throw e;
            }
            System.err.println("error: this command needs TensorFlow, which this build leaves out (the edge package);"
                    + " run it where the full dwcp-agent package is installed (README \"Retraining\")");
            rc = 2;
        }
        System.exit(rc);
    }
}

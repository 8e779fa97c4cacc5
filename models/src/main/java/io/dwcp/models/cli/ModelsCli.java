package io.dwcp.models.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

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

    /**
     * The command line {@link #main} runs; every error exits 2. A user's mistake (a bad option, found by picocli or by
     * a command: {@code ParameterException}; a bad input named by a command: {@code IllegalArgumentException}) prints
     * {@code error: <message>} and no stack trace, which would only bury the message. Anything else is a bug or an
     * environment failure and keeps its stack trace.
     */
    static CommandLine commandLine() {
        CommandLine root = new CommandLine(new ModelsCli());
        return root
                .setParameterExceptionHandler((ex, args) -> {
                    // picocli's default prints the whole usage after the message; one line and a pointer read better
                    // (the short-error handler of picocli's manual, "Handling Errors"). The root's writer: the one
                    // the caller set, whichever command line the exception names.
                    PrintWriter err = root.getErr();
                    err.println("error: " + ex.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
                    err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for its options.");
                    return 2;
                })
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    if (ex instanceof IllegalArgumentException && ex.getMessage() != null) {
                        cmd.getErr().println("error: " + ex.getMessage());
                        return 2;
                    }
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

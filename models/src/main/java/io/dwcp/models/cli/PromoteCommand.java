package io.dwcp.models.cli;

import io.dwcp.models.serving.ModelVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code promote}: current := candidate by hand (the agent's shadow mode does the same on its own). */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Point <models-dir>/<model>/current at the candidate (previous := old current). The agent reloads "
                + "on the change (or on SIGHUP).")
public final class PromoteCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--models-dir", required = true, description = "The agent's models directory.")
    Path modelsDir;

    @Option(names = "--model", defaultValue = "bandwidth", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Override
    public Integer call() throws Exception {
        ModelVersions v = new ModelVersions(modelsDir, model);
        String before = v.current().map(p -> p.getFileName().toString()).orElse("(none)");
        Path now = v.promote();
        System.out.println(model + ": current " + before + " -> " + now.getFileName() + " (previous = " + before + ")");
        return 0;
    }
}

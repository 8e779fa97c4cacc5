package io.dwcp.models.cli;

import io.dwcp.models.serving.ModelVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code rollback}: current := previous, in one atomic link change. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Point <models-dir>/<model>/current back at the previous version (previous := the version rolled "
                + "back from, so running it again undoes it). The agent reloads on the change (or on SIGHUP).")
public final class RollbackCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--models-dir", required = true, description = "The agent's models directory.")
    Path modelsDir;

    @Option(names = "--model", defaultValue = "bandwidth", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    @Override
    public Integer call() throws Exception {
        ModelVersions v = new ModelVersions(modelsDir, model);
        String before = v.current().map(p -> p.getFileName().toString()).orElse("(none)");
        Path now = v.rollback();
        System.out.println(model + ": current " + before + " -> " + now.getFileName() + " (previous = " + before + ")");
        return 0;
    }
}

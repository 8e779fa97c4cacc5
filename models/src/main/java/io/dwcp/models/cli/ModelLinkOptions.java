package io.dwcp.models.cli;

import io.dwcp.models.serving.ModelVersions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** What {@code promote} and {@code rollback} share: which link to move, and the one line that reports the move. */
final class ModelLinkOptions {
    @Option(names = "--models-dir", required = true, description = "The agent's models directory.")
    Path modelsDir;

    @Option(names = "--model", defaultValue = "bandwidth", description = "Model (default ${DEFAULT-VALUE}).")
    String model;

    /** A change of {@code current}: returns the version it points at now. */
    interface Move {
        Path apply(ModelVersions versions) throws IOException;
    }

    int move(Move move) throws IOException {
        ModelVersions v = new ModelVersions(modelsDir, model);
        String before = v.current().map(p -> p.getFileName().toString()).orElse("(none)");
        Path now = move.apply(v);
        System.out.println(model + ": current " + before + " -> " + now.getFileName() + " (previous = " + before + ")");
        return 0;
    }
}

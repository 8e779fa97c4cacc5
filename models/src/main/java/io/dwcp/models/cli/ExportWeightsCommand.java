package io.dwcp.models.cli;

import io.dwcp.models.weights.NetWeightsExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code export-weights}: writes {@code weights.dwcpnet} (models/WEIGHTS.md) beside the SavedModel of each
 * given artifact folder, for artifacts trained before the trainer wrote it. Exit 0 when every folder was
 * converted (or is not a network, e.g. reliability), 2 on an error.
 */
@Command(name = "export-weights", mixinStandardHelpOptions = true,
        description = "Write each network's weights file (weights.dwcpnet) from its SavedModel, with golden pairs.")
public final class ExportWeightsCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--model-dir", required = true, description = "Artifact folder (metadata.json + saved_model); repeatable.")
    List<Path> modelDirs;

    @Override
    public Integer call() throws Exception {
        for (Path dir : modelDirs) {
            NetWeightsExport.Exported e = NetWeightsExport.export(dir);
            if (e == null) {
                System.out.println(dir + ": not a network, skipped");
                continue;
            }
            System.out.printf("%s: %s %s sizes %s, %d golden rows, %d bytes, golden max |diff| %s%n", e.file(),
                    e.weights().model(), e.weights().kind().id(), java.util.Arrays.toString(e.weights().dims()),
                    e.weights().goldenRows(), e.bytes(), e.goldenMaxDiff());
        }
        return 0;
    }
}

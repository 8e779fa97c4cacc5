package io.dwcp.models.cli;

import io.dwcp.models.serving.ModelVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code promote}: current := candidate by hand (the agent's shadow mode does the same on its own). */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Point <models-dir>/<model>/current at the candidate (previous := old current). The agent reloads "
                + "on the change (or on SIGHUP).")
public final class PromoteCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ModelLinkOptions link;

    @Override
    public Integer call() throws Exception {
        return link.move(ModelVersions::promote);
    }
}

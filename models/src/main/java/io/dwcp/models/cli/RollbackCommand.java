package io.dwcp.models.cli;

import io.dwcp.models.serving.ModelVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rollback}: current := previous, in one atomic link change. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Point <models-dir>/<model>/current back at the previous version (previous := the version rolled "
                + "back from, so running it again undoes it). The agent reloads on the change (or on SIGHUP).")
public final class RollbackCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ModelLinkOptions link;

    @Override
    public Integer call() throws Exception {
        return link.move(ModelVersions::rollback);
    }
}

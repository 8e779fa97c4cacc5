package io.dwcp.models.serving;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An artifact's network on our native kernels, from its weights file (models/WEIGHTS.md). */
final class NativeNetFiles {
    private NativeNetFiles() {}

    /** On the best implementation available (C, else Java), checked against the file's golden pairs. */
    static Net load(ModelArtifact artifact) throws IOException {
        return load(artifact, null);
    }

    /** On exactly {@code impl} (null: the best available). */
    static Net load(ModelArtifact artifact, Implementation impl) throws IOException {
        Path file = artifact.dir().resolve(NetWeights.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no " + NetWeights.FILE_NAME + " in " + artifact.dir()
                    + " (write one with: dwcp-models export-weights --model-dir DIR)");
        }
        NetWeights w = NetWeights.read(file);
        return impl == null ? Nets.load(w) : Nets.load(w, impl);
    }
}

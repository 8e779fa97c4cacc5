package io.dwcp.agent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dwcp.jni.FlatForest;
import io.dwcp.models.serving.ModelArtifact;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes what the agent reads from a models directory on reload: forest files and metadata.json. A corrupt
 * file must be an IOException (the reload rejects it and the old model keeps serving), never another
 * exception or a forest whose walk could run off its arrays.
 */
class ModelFileFuzzTest {
    static final Path DIR;

    static {
        try {
            // One metadata.json written and read per input: on a disk-backed /tmp that costs ~600 µs and capped
            // the campaign at ~2k inputs/s; tmpfs takes ~25 µs.
            Path shm = Path.of("/dev/shm");
            DIR = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "dwcp-fuzz-model")
                    : Files.createTempDirectory("dwcp-fuzz-model");
            // deleteOnExit runs in reverse order of registration: the files, then the directory (tmpfs is memory).
            DIR.toFile().deleteOnExit();
            DIR.resolve("forest.bin").toFile().deleteOnExit();
            DIR.resolve("metadata.json").toFile().deleteOnExit();
            Files.writeString(DIR.resolve("forest.bin"), "x");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void forest(byte[] data) {
        try {
            FlatForest f = FlatForest.read(new ByteArrayInputStream(data));
            // A forest that validated must be walkable from every root without leaving its tree.
            int[] start = f.treeStart();
            int[] feat = f.feature();
            int[] left = f.left();
            for (int t = 0; t < f.nTrees(); t++) {
                int n = start[t];
                int steps = 0;
                while (feat[n] != -1) {
                    n = left[n];
                    if (n < start[t] || n >= start[t + 1] || ++steps > f.nNodes()) {
                        throw new AssertionError("walk left tree " + t);
                    }
                }
            }
        } catch (IOException expected) {
            // rejected with a reason
        }
    }

    @FuzzTest(maxDuration = "2h", maxExecutions = 10_000_000)
    void metadata(byte[] data) throws IOException {
        Files.write(DIR.resolve("metadata.json"), data);
        try {
            ModelArtifact.load(DIR);
        } catch (IOException expected) {
            // rejected with a reason
        }
    }
}

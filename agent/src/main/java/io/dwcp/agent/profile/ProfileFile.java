package io.dwcp.agent.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.serving.HostCodecProfile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The host codec profile on disk: one small JSON file (about 2 KB), written whole to a temporary file beside it,
 * forced to disk, then renamed over the old one, so a crash or a full disk leaves the previous profile intact, never
 * a torn one. Stateless; the caller serialises writes.
 */
final class ProfileFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private ProfileFile() {}

    /** The state in {@code file}; empty when there is no file. {@link IOException} when it cannot be read or is not valid. */
    static Optional<HostCodecProfile.State> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        HostCodecProfile.State s;
        try {
            s = JSON.readValue(file.toFile(), HostCodecProfile.State.class);
        } catch (IOException e) {
            throw new IOException("cannot read codec profile " + file + ": " + e.getMessage(), e);
        }
        try {
            s.validate();
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid codec profile " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(s);
    }

    static void write(Path file, HostCodecProfile.State state) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
        }
    }
}

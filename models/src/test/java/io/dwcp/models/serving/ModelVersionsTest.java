package io.dwcp.models.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVersionsTest {
    @TempDir
    Path models;

    private Path version(String v) throws IOException {
        Path d = models.resolve("bandwidth").resolve(v);
        Files.createDirectories(d);
        Files.writeString(d.resolve(ModelMetadata.FILE), "{}");
        return d;
    }

    @Test
    void promoteThenRollbackThenRollbackAgain() throws Exception {
        version("1");
        version("2");
        ModelVersions v = new ModelVersions(models, "bandwidth");
        assertEquals("2", v.ensureCurrent().getFileName().toString()); // newest, what the agent served without a link
        Path three = version("3");
        v.markCandidate(three);
        assertEquals("3", v.promote().getFileName().toString());
        assertEquals("3", v.current().orElseThrow().getFileName().toString());
        assertEquals("2", v.previous().orElseThrow().getFileName().toString());
        assertTrue(v.candidate().isEmpty());
        assertTrue(Files.isSymbolicLink(models.resolve("bandwidth/current")));
        assertEquals(Path.of("3"), Files.readSymbolicLink(models.resolve("bandwidth/current")));
        assertEquals("2", v.rollback().getFileName().toString());
        assertEquals("3", v.previous().orElseThrow().getFileName().toString());
        assertEquals("3", v.rollback().getFileName().toString());
    }

    @Test
    void withoutVersionsTheEmbeddedDefaultBecomesCurrent() throws Exception {
        ModelVersions v = new ModelVersions(models, "bandwidth");
        Path cur = v.ensureCurrent();
        assertEquals("default", cur.getFileName().toString());
        ModelArtifact.load(cur); // a complete, valid artifact
        assertThrows(IOException.class, v::promote);
        assertThrows(IOException.class, v::rollback);
    }
}

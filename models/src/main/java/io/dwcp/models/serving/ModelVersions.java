package io.dwcp.models.serving;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The version links of one model under a models directory:
 *
 * <pre>
 * &lt;models-dir&gt;/&lt;name&gt;/&lt;version&gt;/   artifact folders (metadata.json + model), never modified once written
 *                      current  -&gt; &lt;version&gt;   what the agent serves
 *                      candidate -&gt; &lt;version&gt;  written by retrain, judged by the agent's shadow mode
 *                      previous -&gt; &lt;version&gt;   what current pointed to before the last promote, for rollback
 * </pre>
 *
 * Links are relative and every change replaces a link by renaming a freshly made temporary link over it
 * ({@code rename(2)} is atomic), so a reader (the agent's reload) sees the old or the new target, never none.
 * Not safe against two processes changing the same model's links at once; callers serialise (the agent
 * does it on one thread, the CLI is run by hand or by the timer).
 */
public final class ModelVersions {
    public static final String CURRENT = "current";
    public static final String CANDIDATE = "candidate";
    public static final String PREVIOUS = "previous";

    private final Path root;
    private final String name;

    public ModelVersions(Path modelsDir, String name) {
        ModelArtifact.schema(name);
        this.root = modelsDir.resolve(name);
        this.name = name;
    }

    public Path root() {
        return root;
    }

    /** The version folder a link points to, if the link exists and its target holds a metadata.json. */
    public Optional<Path> target(String link) throws IOException {
        Path l = root.resolve(link);
        if (!Files.isSymbolicLink(l)) {
            return Files.isDirectory(l, LinkOption.NOFOLLOW_LINKS) && !link.equals(CANDIDATE) && !link.equals(PREVIOUS)
                    ? Optional.of(l) : Optional.empty();
        }
        Path t = root.resolve(Files.readSymbolicLink(l)).normalize();
        return Files.isRegularFile(t.resolve(ModelMetadata.FILE)) ? Optional.of(t) : Optional.empty();
    }

    public Optional<Path> current() throws IOException {
        return target(CURRENT);
    }

    public Optional<Path> candidate() throws IOException {
        return target(CANDIDATE);
    }

    public Optional<Path> previous() throws IOException {
        return target(PREVIOUS);
    }

    /** A fresh version name: the UTC time {@code yyyyMMddHHmmss} (numeric, so it sorts after older ones). */
    public String newVersionName() {
        String base = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        long v = Long.parseLong(base);
        while (Files.exists(root.resolve(Long.toString(v)), LinkOption.NOFOLLOW_LINKS)) {
            v++;
        }
        return Long.toString(v);
    }

    /**
     * Makes sure {@code current} exists before a candidate is written next to it, so that adding a newer
     * version folder never changes what is served (without a {@code current} link the agent serves the
     * newest version). Points it at the newest existing version, or copies the embedded default into
     * {@code <name>/default/} when there is none. Returns the current version folder.
     */
    public Path ensureCurrent() throws IOException {
        Optional<Path> c = current();
        if (c.isPresent()) {
            return c.get();
        }
        Files.createDirectories(root);
        Optional<Path> newest;
        try (Stream<Path> s = Files.list(root)) {
            newest = s.filter(p -> !Files.isSymbolicLink(p) && Files.isRegularFile(p.resolve(ModelMetadata.FILE)))
                    .max(Comparator.comparing(ModelVersions::versionKey));
        }
        Path target;
        if (newest.isPresent()) {
            target = newest.get();
        } else {
            target = root.resolve("default");
            ModelArtifact d = ModelArtifact.loadDefault(name);
            copyTree(d.dir(), target);
        }
        link(CURRENT, target);
        return target;
    }

    /** Points {@code candidate} at {@code version} (a folder under this model's root). */
    public void markCandidate(Path version) throws IOException {
        link(CANDIDATE, version);
    }

    /** current := candidate, previous := old current, candidate removed. Returns the new current. */
    public Path promote() throws IOException {
        Path cand = candidate().orElseThrow(() -> new IOException("no candidate for " + name + " under " + root));
        Optional<Path> cur = current();
        if (cur.isPresent()) {
            link(PREVIOUS, cur.get());
        }
        link(CURRENT, cand);
        Files.deleteIfExists(root.resolve(CANDIDATE));
        return cand;
    }

    /** Removes the candidate link (the version folder stays for inspection). */
    public void discardCandidate() throws IOException {
        Files.deleteIfExists(root.resolve(CANDIDATE));
    }

    /** current := previous, previous := old current (so a second rollback undoes the first). */
    public Path rollback() throws IOException {
        Path prev = previous().orElseThrow(() -> new IOException("no previous version of " + name + " under " + root));
        Optional<Path> cur = current();
        link(CURRENT, prev);
        if (cur.isPresent()) {
            link(PREVIOUS, cur.get());
        } else {
            Files.deleteIfExists(root.resolve(PREVIOUS));
        }
        return prev;
    }

    /** Atomically (re)points {@code link} at {@code target}, relative to the model root. */
    void link(String link, Path target) throws IOException {
        Path rel = root.toAbsolutePath().relativize(target.toAbsolutePath().normalize());
        Path tmp = root.resolve("." + link + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, rel);
        Path dst = root.resolve(link);
        if (Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(tmp);
            throw new IOException(dst + " is a real directory, not a link; move it to a version folder first");
        }
        try {
            Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    static String versionKey(Path p) {
        String n = p.getFileName().toString();
        return n.matches("\\d{1,19}") ? String.format("%020d", Long.parseLong(n)) : n;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

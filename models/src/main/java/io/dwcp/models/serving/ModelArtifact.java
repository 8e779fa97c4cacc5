package io.dwcp.models.serving;

import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model artifact folder: {@code metadata.json} plus the model file it names ({@code saved_model/} or
 * {@code forest.bin}). Loading reads only those, and checks the feature names, their order and the window
 * against {@link Schemas} so the agent can never feed a model features in another order.
 *
 * <p>The defaults trained by this module are embedded under {@code /io/dwcp/models/default/<name>/} with
 * a {@code files.txt} manifest; {@link #loadDefault} copies them to a temporary folder (TensorFlow loads
 * SavedModels from disk only), deleted at JVM exit. Immutable and thread-safe.
 */
public final class ModelArtifact {
    public static final String DEFAULT_ROOT = "/io/dwcp/models/default/";
    public static final String MANIFEST = "files.txt";

    private final Path dir;
    private final ModelMetadata metadata;

    private ModelArtifact(Path dir, ModelMetadata metadata) {
        this.dir = dir;
        this.metadata = metadata;
    }

    public Path dir() {
        return dir;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** The model file or SavedModel directory. */
    public Path modelPath() {
        return dir.resolve(metadata.modelFile());
    }

    /** Loads and validates the artifact in {@code dir}. */
    public static ModelArtifact load(Path dir) throws IOException {
        Path mf = dir.resolve(ModelMetadata.FILE);
        if (!Files.isRegularFile(mf)) throw new IOException("no " + ModelMetadata.FILE + " in " + dir);
        ModelMetadata md = ModelMetadata.read(mf);
        // Found by fuzzing: "null" or an object without "name" gave a NullPointerException, an unknown name an
        // IllegalArgumentException; a bad file must be an IOException (the reload rejects it with the reason).
        if (md == null || md.name() == null) {
            throw new IOException(ModelMetadata.FILE + " in " + dir + " has no model name");
        }
        FeatureSchema schema;
        try {
            schema = schema(md.name());
        } catch (IllegalArgumentException e) {
            throw new IOException(ModelMetadata.FILE + " in " + dir + ": " + e.getMessage(), e);
        }
        if (!schema.features().equals(md.features())) {
            throw new IOException("model " + md.name() + " in " + dir + " expects features " + md.features()
                    + " but this build's schema is " + schema.features());
        }
        if (schema.window() != md.window()) {
            throw new IOException("model " + md.name() + " window " + md.window() + " != schema window " + schema.window());
        }
        if (md.modelFile() == null || !Files.exists(dir.resolve(md.modelFile()))) {
            throw new IOException("model file '" + md.modelFile() + "' missing in " + dir);
        }
        if (md.scaler() == null || md.scaler().size() != schema.size()) {
            throw new IOException("model " + md.name() + " scaler does not cover " + schema.size() + " features");
        }
        return new ModelArtifact(dir, md);
    }

    /** The embedded default of {@code name} (bandwidth, compression, reliability, latency). */
    public static ModelArtifact loadDefault(String name) throws IOException {
        schema(name);
        String base = DEFAULT_ROOT + name + "/";
        List<String> files = new ArrayList<>();
        try (InputStream in = ModelArtifact.class.getResourceAsStream(base + MANIFEST)) {
            if (in == null) throw new IOException("no embedded default model '" + name + "' on the classpath");
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) files.add(l.trim());
            }
        }
        Path tmp = Files.createTempDirectory("dwcp-model-" + name + "-");
        for (String f : files) {
            if (f.contains("..") || f.startsWith("/")) throw new IOException("bad manifest entry " + f);
            Path target = tmp.resolve(f);
            Files.createDirectories(target.getParent());
            try (InputStream in = ModelArtifact.class.getResourceAsStream(base + f)) {
                if (in == null) throw new IOException("embedded model '" + name + "' lacks " + f);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tmp)));
        return load(tmp);
    }

    /**
     * Writes the manifest listing metadata.json, every file under the model file/directory, and the
     * network's weights file (issue 16) when there is one.
     */
    public static void writeManifest(Path dir, String modelFile) throws IOException {
        List<String> files = new ArrayList<>();
        files.add(ModelMetadata.FILE);
        Path m = dir.resolve(modelFile);
        if (Files.isDirectory(m)) {
            try (Stream<Path> s = Files.walk(m)) {
                s.filter(Files::isRegularFile).sorted().forEach(p -> files.add(dir.relativize(p).toString().replace('\\', '/')));
            }
        } else {
            files.add(modelFile);
        }
        if (Files.isRegularFile(dir.resolve(io.dwcp.jni.nets.NetWeights.FILE_NAME))) {
            files.add(io.dwcp.jni.nets.NetWeights.FILE_NAME);
        }
        Files.writeString(dir.resolve(MANIFEST), String.join("\n", files) + "\n");
    }

    static FeatureSchema schema(String name) {
        if (name.equals(Schemas.LATENCY_UNIVARIATE.model())) return Schemas.LATENCY_UNIVARIATE;
        if (name.equals(Schemas.DEGRADATION.model())) return Schemas.DEGRADATION;
        return Schemas.all().stream().filter(s -> s.model().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                        + "', expected one of bandwidth, compression, reliability, latency, degradation"));
    }

    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

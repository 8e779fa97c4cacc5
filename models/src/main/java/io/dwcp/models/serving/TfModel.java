package io.dwcp.models.serving;

import io.dwcp.models.tf.SavedModels;
import io.dwcp.models.tf.Tensors;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded SavedModel's {@code serving_default} signature called with float inputs. Thread-safe: TF
 * sessions accept concurrent runs; {@link #close} waits for running calls and later calls fail with
 * {@link IllegalStateException}.
 */
public final class TfModel implements AutoCloseable {
    private final SavedModelBundle bundle;
    private final Map<String, String> inputOps = new LinkedHashMap<>();
    private final Map<String, String> outputOps = new LinkedHashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    private final ConfigProto config;

    // Session settings for models built inside withConfig(): lets the agent choose threads and device
    // (e.g. a CPU twin of a GPU model) without every serving class growing a ConfigProto constructor.
    private static final ThreadLocal<ConfigProto> CONSTRUCTION = new ThreadLocal<>();

    /** Runs {@code make} (which constructs serving classes) so that their TfModels use {@code config}. */
    public static <T> T withConfig(ConfigProto config, java.util.function.Supplier<T> make) {
        ConfigProto before = CONSTRUCTION.get();
        CONSTRUCTION.set(config);
        try {
            return make.get();
        } finally {
            if (before == null) {
                CONSTRUCTION.remove();
            } else {
                CONSTRUCTION.set(before);
            }
        }
    }

    /** The settings {@link #withConfig} set for this thread (null = TensorFlow's defaults). */
    static ConfigProto constructionConfig() {
        return CONSTRUCTION.get();
    }

    public TfModel(Path dir) {
        this(dir, CONSTRUCTION.get());
    }

    /**
     * Loads with {@code intraOpThreads} intra-op threads and one inter-op thread ({@code 0} = TF default).
     * On a 2-core host shared with the agent's I/O loop, 1 is a sensible value (see DESIGN.md, Threads).
     */
    public TfModel(Path dir, int intraOpThreads) {
        this(dir, config(intraOpThreads));
    }

    /**
     * Session settings for {@code intraOpThreads} threads; 0 = what {@link #withConfig} set for this thread, else
     * TensorFlow's defaults. 0 must honour withConfig: the serving classes' one-argument constructors pass 0, and the
     * agent builds them inside withConfig to set its thread counts and to keep a GPU model's CPU twin off the GPU.
     */
    static ConfigProto config(int intraOpThreads) {
        return intraOpThreads > 0 ? io.dwcp.models.tf.TfEnv.config(intraOpThreads) : CONSTRUCTION.get();
    }

    /** Loads with explicit session settings; null = TensorFlow's defaults. */
    public TfModel(Path dir, ConfigProto config) {
        this.config = config;
        SavedModelBundle.Loader loader = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG);
        if (config != null) {
            loader = loader.withConfigProto(config);
        }
        this.bundle = loader.load();
        Signature sig = bundle.signatures().stream().filter(s -> s.key().equals(SavedModels.SIGNATURE)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("SavedModel at " + dir + " has no serving_default"));
        sig.getInputs().forEach((k, v) -> inputOps.put(k, v.name));
        sig.getOutputs().forEach((k, v) -> outputOps.put(k, v.name));
    }

    /** The session settings this model was loaded with (null = TensorFlow's defaults). */
    ConfigProto config() {
        return config;
    }

    /** A named float input: flat row-major data and its full shape (batch first). */
    public record Input(String name, float[] data, long[] shape) {}

    /**
     * A trained variable's value by its op name (the fused serving graphs read their weights this way, from the
     * model already loaded rather than loading the SavedModel a second time); null when there is no such op.
     */
    /** Whether the loaded graph has an op of that name. */
    boolean has(String name) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("model is closed");
            return bundle.graph().operation(name) != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    float[] variable(String name) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("model is closed");
            if (bundle.graph().operation(name) == null) return null; // not has(): one lock hold
            try (Tensor t = bundle.session().runner().fetch(name).run().get(0)) {
                return Tensors.toArray(t);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs the signature; returns the requested outputs flattened, in {@code outputs} order. */
    public List<float[]> run(List<Input> inputs, List<String> outputs) {
        lock.readLock().lock();
        List<Tensor> fed = new ArrayList<>();
        try {
            if (closed) throw new IllegalStateException("model is closed");
            Session.Runner r = bundle.session().runner();
            for (Input in : inputs) {
                String op = inputOps.get(in.name());
                if (op == null) throw new IllegalArgumentException("model has no input '" + in.name() + "'");
                Tensor t = Tensors.of(in.data(), in.shape());
                fed.add(t);
                r.feed(op, t);
            }
            for (String o : outputs) {
                String op = outputOps.get(o);
                if (op == null) throw new IllegalArgumentException("model has no output '" + o + "'");
                r.fetch(op);
            }
            List<float[]> out = new ArrayList<>();
            try (var res = r.run()) {
                for (int i = 0; i < outputs.size(); i++) out.add(Tensors.toArray(res.get(i)));
            }
            return out;
        } finally {
            fed.forEach(Tensor::close);
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}

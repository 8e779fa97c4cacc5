package io.dwcp.agent.registry;

import io.dwcp.agent.predict.Predictor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The predictor serving each registered model at one moment, by model name, in registry order. Immutable:
 * a reload builds a new set and swaps the reference, so a batch always runs against one consistent set.
 */
public final class ModelSet implements AutoCloseable {
    private final Map<String, Predictor<?, ?>> byName;

    public ModelSet(Map<String, ? extends Predictor<?, ?>> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** The classic baselines of every registered model: what runs when no trained model is present. */
    public static ModelSet baselines(ModelRegistry registry) {
        Map<String, Predictor<?, ?>> m = new LinkedHashMap<>();
        for (ModelSpec<?, ?> s : registry.specs()) {
            m.put(s.name(), s.baseline());
        }
        return new ModelSet(m);
    }

    /** The predictor of {@code spec}'s model. */
    @SuppressWarnings("unchecked")
    public <I, O> Predictor<I, O> get(ModelSpec<I, O> spec) {
        return (Predictor<I, O>) get(spec.name());
    }

    /** The predictor of the named model; {@link IllegalArgumentException} when none is registered. */
    public Predictor<?, ?> get(String name) {
        Predictor<?, ?> p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no model named '" + name + "' in " + byName.keySet());
        }
        return p;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /** A copy with {@code name} served by {@code p}. */
    public ModelSet with(String name, Predictor<?, ?> p) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no model named '" + name + "' in " + byName.keySet());
        }
        Map<String, Predictor<?, ?>> m = new LinkedHashMap<>(byName);
        m.put(name, p);
        return new ModelSet(m);
    }

    /** {@code name/version} of each, comma-separated: for the status line and logs. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Predictor<?, ?> p : byName.values()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(p.name());
        }
        return b.toString();
    }

    @Override
    public void close() {
        byName.values().forEach(Predictor::close);
    }
}

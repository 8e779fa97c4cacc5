package io.dwcp.agent.registry;

import io.dwcp.agent.ingest.Measurement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models the agent serves, in order. Immutable and validated at construction: names and request
 * methods are unique, so every record and request has exactly one place to go.
 */
public final class ModelRegistry {
    private final List<ModelSpec<?, ?>> specs;
    private final Map<String, ModelSpec<?, ?>> byName = new HashMap<>();
    private final Map<String, ModelSpec<?, ?>> byMethod = new HashMap<>();

    public ModelRegistry(List<? extends ModelSpec<?, ?>> specs) {
        this.specs = List.copyOf(specs);
        for (ModelSpec<?, ?> s : this.specs) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("two models named '" + s.name() + "'");
            }
            for (String m : s.methods()) {
                ModelSpec<?, ?> other = byMethod.put(m, s);
                if (other != null) {
                    throw new IllegalArgumentException("request method " + m + " claimed by both " + other.name()
                            + " and " + s.name());
                }
            }
        }
    }

    /** A registry with {@code extra} after these models. */
    public ModelRegistry with(ModelSpec<?, ?>... extra) {
        List<ModelSpec<?, ?>> all = new ArrayList<>(specs);
        all.addAll(List.of(extra));
        return new ModelRegistry(all);
    }

    public List<ModelSpec<?, ?>> specs() {
        return specs;
    }

    public Optional<ModelSpec<?, ?>> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The model that answers a request method, if any. */
    public Optional<ModelSpec<?, ?>> byMethod(String method) {
        return Optional.ofNullable(byMethod.get(method));
    }

    /** Every request method the models answer. */
    public Set<String> methods() {
        return Set.copyOf(byMethod.keySet());
    }

    /** The measurements some model reads. */
    public Set<Measurement> measurements() {
        Set<Measurement> m = new HashSet<>();
        specs.forEach(s -> m.add(s.measurement()));
        return m;
    }

    /** The model whose rows a measurement's history records: the first registered one that records it. */
    public Optional<ModelSpec<?, ?>> historyOf(Measurement m) {
        return specs.stream().filter(s -> s.measurement() == m && s.recordsHistory()).findFirst();
    }
}

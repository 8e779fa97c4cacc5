package io.dwcp.agent.registry;

/** Whatever serves a {@link ModelSet} and lets it be swapped whole (the pipeline), for hot reload. */
public interface ModelHolder {
    ModelSet models();

    /** Swaps the set; returns the old one for the caller to close once no batch uses it. */
    ModelSet swapModels(ModelSet next);
}

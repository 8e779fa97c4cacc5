package io.dwcp.models.train;

/** Progress callbacks from a trainer (epochs, phases). Implementations must be thread-safe. */
public interface Progress {
    void start(String model, long total);

    void step(String model, long done, String message);

    void finish(String model);

    static Progress none() {
        return new Progress() {
            @Override public void start(String model, long total) {}
            @Override public void step(String model, long done, String message) {}
            @Override public void finish(String model) {}
        };
    }
}

package io.dwcp.agent.inference;

import io.dwcp.agent.config.Device;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend for the configured device: the highest-ranked available one that the device allows.
 * Logs once which was chosen and why each better-ranked one was skipped. {@code device=gpu} with no usable
 * GPU is a start-up error naming the reasons, not a silent CPU run.
 */
public final class BackendSelector {
    private static final Logger LOG = LoggerFactory.getLogger(BackendSelector.class);

    private BackendSelector() {}

    /** The choice and the skipped backends with their reasons. */
    public record Choice(InferenceBackend backend, List<String> skipped) {}

    public static Choice select(Device device, List<InferenceBackend> backends) {
        List<InferenceBackend> sorted = new ArrayList<>(backends);
        sorted.sort(Comparator.comparingInt(InferenceBackend::rank).reversed());
        List<String> skipped = new ArrayList<>();
        for (InferenceBackend b : sorted) {
            if (device == Device.GPU && !b.gpu()) {
                continue;
            }
            if (device == Device.CPU && b.gpu()) {
                skipped.add(b.name() + " (device=cpu)");
                continue;
            }
            if (b.isAvailable()) {
                LOG.info("inference backend: {} (device={}){}", b.name(), device.name().toLowerCase(),
                        skipped.isEmpty() ? "" : "; skipped: " + String.join("; ", skipped));
                return new Choice(b, List.copyOf(skipped));
            }
            skipped.add(b.name() + " (" + b.unavailabilityCause() + ")");
        }
        throw new IllegalStateException("dwcp.inference.device=" + device.name().toLowerCase()
                + " but no backend can serve it: " + String.join("; ", skipped));
    }
}

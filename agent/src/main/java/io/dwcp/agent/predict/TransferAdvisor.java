package io.dwcp.agent.predict;

import java.util.Optional;

/**
 * Turns a link's bandwidth forecast into TCP settings the Go side can apply directly: a socket buffer
 * sized from the predicted bandwidth-delay product, and a parallel stream count from how much one stream
 * can carry. Pure arithmetic, no state; thread-safe.
 *
 * <ul>
 * <li>RTT is the forecast {@code latency_ms} (DWCP reports link latency as a round-trip time);
 * {@code bdp = bandwidth × rtt}.</li>
 * <li>Buffer: {@code bandwidth × (rtt + 2 × jitter)}, so the window still fills the pipe when the RTT swings
 * by two jitters; rounded up to 4 KiB and clamped to [{@code minBufferBytes}, {@code maxBufferBytes}].</li>
 * <li>One stream carries at most {@code buffer / rtt} (window limit) and, under loss {@code p}, at most
 * {@code 1.22 × MSS / (rtt × √p)} (Mathis et al., 1997, the steady-state Reno/CUBIC-in-Reno-region bound);
 * streams = ⌈bandwidth / per-stream ceiling⌉, clamped to [1, {@code maxStreams}].</li>
 * </ul>
 * Advice is given only when the forecast's confidence is at least {@code minConfidence}.
 */
public final class TransferAdvisor {
    static final double MATHIS_C = 1.22;
    static final long PAGE = 4096;

    /** Validated settings (see dwcp.recommend.* in the README). */
    public record Settings(double minConfidence, int maxStreams, int mssBytes, long minBufferBytes, long maxBufferBytes) {
        public Settings {
            if (!(minConfidence >= 0 && minConfidence <= 1) || maxStreams < 1 || mssBytes < 536
                    || minBufferBytes < PAGE || maxBufferBytes < minBufferBytes) {
                throw new IllegalArgumentException("transfer advice settings out of range: " + this);
            }
        }

        public static Settings defaults() {
            return new Settings(0.6, 16, 1448, 64 * 1024, 64L * 1024 * 1024);
        }
    }

    /**
     * @param limitedBy what sets the stream count: {@code window} (buffer cap over RTT), {@code loss} (Mathis
     *                  bound), or {@code none} (one stream is enough)
     */
    public record Advice(double bdpBytes, long socketBufferBytes, int parallelStreams, double perStreamMbps,
                         String limitedBy, boolean streamsCapped) {}

    private final Settings settings;

    public TransferAdvisor(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Empty when the forecast's confidence is below the floor or it is not usable (no bandwidth, NaN). */
    public Optional<Advice> advise(BandwidthForecast f) {
        if (!(f.confidence() >= settings.minConfidence()) || !(f.bandwidthMbps() > 0) || !Double.isFinite(f.bandwidthMbps())
                || !Double.isFinite(f.latencyMs()) || !Double.isFinite(f.jitterMs()) || !Double.isFinite(f.packetLoss())) {
            return Optional.empty();
        }
        double rtt = Math.max(f.latencyMs(), 0.1) / 1000.0;        // s; loopback-like links still get a finite window
        double jitter = Math.max(f.jitterMs(), 0) / 1000.0;
        double rate = f.bandwidthMbps() * 1e6 / 8;                  // bytes/s
        double bdp = rate * rtt;
        double want = rate * (rtt + 2 * jitter);
        long buffer = (long) Math.ceil(want / PAGE) * PAGE;
        buffer = Math.max(settings.minBufferBytes(), Math.min(settings.maxBufferBytes(), buffer));
        double windowLimit = buffer / rtt;
        double p = Math.min(Math.max(f.packetLoss(), 0), 1);
        double lossLimit = p > 0 ? MATHIS_C * settings.mssBytes() / (rtt * Math.sqrt(p)) : Double.POSITIVE_INFINITY;
        double perStream = Math.min(windowLimit, lossLimit);
        int streams;
        String by;
        if (perStream >= rate) {
            streams = 1;
            by = "none";
        } else {
            streams = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(rate / perStream));
            by = lossLimit < windowLimit ? "loss" : "window";
        }
        boolean capped = streams > settings.maxStreams();
        streams = Math.max(1, Math.min(settings.maxStreams(), streams));
        return Optional.of(new Advice(bdp, buffer, streams, perStream * 8 / 1e6, by, capped));
    }
}

package io.dwcp.agent.pipeline;

import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.window.WindowStore;
import io.dwcp.agent.predict.BandwidthForecast;
import io.dwcp.agent.predict.TransferAdvisor;
import io.dwcp.agent.protocol.BandwidthPrediction;
import io.dwcp.agent.protocol.CompressionChoice;
import io.dwcp.agent.protocol.Event;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.protocol.TransferRecommendation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per link, turns each bandwidth forecast into a {@link TransferRecommendation} and streams it when it
 * differs from the last one streamed for that link (another stream count, or a buffer more than 25 % away),
 * so the Go side sees a change, not a copy per sample. Keeps the latest recommendation and the latest
 * compression choice per link for {@code RecommendTransfer}; bounded by {@code maxLinks} and emptied for a
 * link when its window is evicted.
 *
 * <p>Called from the bandwidth and compression batcher threads and the pipeline worker: the maps are
 * concurrent and each link's entry is replaced whole.
 */
final class TransferRecommender {
    static final double BUFFER_CHANGE = 0.25;

    private final TransferAdvisor advisor;
    private final EventSink sink;
    private final int maxLinks;
    private final Bounded<TransferRecommendation> latest;
    private final Bounded<TransferRecommendation> streamed;
    private final Bounded<CompressionChoice> codecs;

    /**
     * A concurrent map bounded by entries and by the estimated bytes of its keys: {@link #put} of a new key beyond
     * either bound stores nothing and says so. Keys are replaced whole, never mutated.
     */
    static final class Bounded<V> {
        private final Map<String, V> map = new ConcurrentHashMap<>();
        private final int maxEntries;
        private final long maxBytes;
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        Bounded(int maxEntries, long maxBytes) {
            this.maxEntries = maxEntries;
            this.maxBytes = maxBytes;
        }

        boolean has(String k) {
            return map.containsKey(k);
        }

        V get(String k) {
            return map.get(k);
        }

        /** Stores unless {@code k} is new and a bound is reached; returns whether it stored. */
        synchronized boolean put(String k, V v) {
            if (map.containsKey(k)) {
                map.put(k, v);
                return true;
            }
            long kb = WindowStore.keyBytes(k);
            if (map.size() >= maxEntries || bytes.get() + kb > maxBytes) {
                return false;
            }
            map.put(k, v);
            bytes.addAndGet(kb);
            return true;
        }

        synchronized void remove(String k) {
            if (map.remove(k) != null) {
                bytes.addAndGet(-WindowStore.keyBytes(k));
            }
        }
    }
    private final Counter published;
    private final Counter unchanged;
    private final Counter lowConfidence;
    private final Counter full;

    TransferRecommender(TransferAdvisor advisor, EventSink sink, int maxLinks, MeterRegistry registry) {
        this(advisor, sink, maxLinks, Long.MAX_VALUE, registry);
    }

    /**
     * @param maxKeyBytes per map (latest, streamed, codecs), the most heap its entries' ids may hold, estimated as
     *     {@link WindowStore#keyBytes}: the maps are keyed by links, whose ids vary in length (issue 17 item 1)
     */
    TransferRecommender(TransferAdvisor advisor, EventSink sink, int maxLinks, long maxKeyBytes, MeterRegistry registry) {
        this.advisor = advisor;
        this.sink = sink;
        this.maxLinks = maxLinks;
        this.latest = new Bounded<>(maxLinks, maxKeyBytes);
        this.streamed = new Bounded<>(maxLinks, maxKeyBytes);
        this.codecs = new Bounded<>(maxLinks, maxKeyBytes);
        published = counter(registry, "published", "streamed: the advice for the link changed");
        unchanged = counter(registry, "unchanged", "not streamed: same advice as the last one streamed for the link");
        lowConfidence = counter(registry, "low_confidence", "no advice: forecast confidence below dwcp.recommend.min-confidence");
        full = counter(registry, "too_many_links", "no advice kept: more links than dwcp.windows.max-links");
    }

    private static Counter counter(MeterRegistry registry, String result, String help) {
        return Counter.builder("dwcp.recommendations").tag("result", result).description(help).register(registry);
    }

    /** The request method answered from the latest advice. */
    static final String METHOD = "RecommendTransfer";

    /** A streamed event: forecasts become advice, codec choices are remembered per link. */
    void onEvent(Event e) {
        if (e instanceof BandwidthPrediction p) {
            onPrediction(p);
        } else if (e instanceof CompressionChoice c) {
            onCompression(c);
        }
    }

    /** {@code params.node_id} and {@code params.peer_id} of a {@code RecommendTransfer} request. */
    static String linkKey(com.fasterxml.jackson.databind.JsonNode p) {
        io.dwcp.agent.protocol.Params.only(p, java.util.Set.of("node_id", "peer_id"), "params");
        // RecommendTransfer takes no window, so unlike the model requests there is no alternative to name.
        String[] s = io.dwcp.agent.protocol.Params.subject(p, true, "params.node_id (string) is required");
        return MetricRecord.key(s[0], s[1]);
    }

    /** A model's window was evicted: a link's advice goes with its window. */
    void evicted(io.dwcp.agent.ingest.Measurement m, String key) {
        if (m == io.dwcp.agent.ingest.Measurement.LINK) {
            remove(key);
        }
    }

    void onPrediction(BandwidthPrediction p) {
        if (p.node_id() == null || p.peer_id() == null) {
            return;
        }
        // Sized from the interval's lower bound (issue 14): a buffer for the forecast itself overfills whenever the
        // link comes in below it, which the interval says happens (1 - coverage) / 2 of the time.
        double sizing = p.lower_bandwidth_mbps() != null ? p.lower_bandwidth_mbps() : p.predicted_bandwidth_mbps();
        BandwidthForecast f = new BandwidthForecast(sizing, p.predicted_latency_ms(),
                p.predicted_packet_loss(), p.predicted_jitter_ms(), p.confidence());
        Optional<TransferAdvisor.Advice> advice = advisor.advise(f);
        String key = MetricRecord.key(p.node_id(), p.peer_id());
        if (advice.isEmpty()) {
            lowConfidence.increment();
            latest.remove(key);
            return;
        }
        TransferAdvisor.Advice a = advice.get();
        CompressionChoice c = codecs.get(key);
        TransferRecommendation rec = new TransferRecommendation(p.node_id(), p.peer_id(), a.parallelStreams(),
                a.socketBufferBytes(), a.bdpBytes(), a.perStreamMbps(), a.limitedBy(), a.streamsCapped(),
                c == null ? null : c.codec_name(), c == null ? null : c.level(), sizing, p.predicted_bandwidth_mbps(),
                p.predicted_latency_ms(), p.predicted_packet_loss(), p.predicted_jitter_ms(), p.confidence(),
                p.model_version(), p.prediction_time(), p.sample_timestamp());
        if (!latest.put(key, rec)) {
            full.increment();
            return;
        }
        TransferRecommendation last = streamed.get(key);
        if (last != null && !changed(last, rec)) {
            unchanged.increment();
            return;
        }
        streamed.put(key, rec); // beyond its bounds the link's next advice is streamed again rather than compared
        published.increment();
        sink.publish(rec);
    }

    static boolean changed(TransferRecommendation before, TransferRecommendation now) {
        if (before.parallel_streams() != now.parallel_streams()
                || !java.util.Objects.equals(before.compression_codec(), now.compression_codec())
                || !java.util.Objects.equals(before.compression_level(), now.compression_level())) {
            return true;
        }
        double b = before.socket_buffer_bytes();
        return Math.abs(now.socket_buffer_bytes() - b) > BUFFER_CHANGE * b;
    }

    void onCompression(CompressionChoice c) {
        if (c.node_id() == null || c.peer_id() == null) {
            return;
        }
        codecs.put(MetricRecord.key(c.node_id(), c.peer_id()), c); // beyond the bounds: not remembered
    }

    Optional<TransferRecommendation> latest(String linkKey) {
        return Optional.ofNullable(latest.get(linkKey));
    }

    void remove(String linkKey) {
        latest.remove(linkKey);
        streamed.remove(linkKey);
        codecs.remove(linkKey);
    }
}

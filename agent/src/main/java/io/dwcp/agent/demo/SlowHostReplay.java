package io.dwcp.agent.demo;

import io.dwcp.agent.config.AgentConfig;
import io.dwcp.agent.inference.TensorFlowBackend;
import io.dwcp.agent.ingest.IngestLimits;
import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.ingest.MetricRecord;
import io.dwcp.agent.ingest.RecordSink;
import io.dwcp.agent.ingest.RejectReason;
import io.dwcp.agent.ingest.SniffingDecoder;
import io.dwcp.agent.pipeline.Pipeline;
import io.dwcp.agent.protocol.CompressionChoice;
import io.dwcp.agent.protocol.EventSink;
import io.dwcp.agent.registry.ModelRegistry;
import io.dwcp.agent.spec.BuiltinModels;
import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.CompressionDomain;
import io.dwcp.models.data.SyntheticTransfers;
import io.dwcp.models.features.Schemas.Codec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 15 item 4, end to end through the agent's own {@link Pipeline} (native-CPU backend, the shipped compression
 * model): a host whose CPU is {@code slowdown} times slower than the codec profile the model was trained on. Transfer
 * contexts of the demo's distribution ({@link SyntheticTransfers#demo}) go in as {@code dwcp_transfer} records; for
 * each {@code compression_choice} the agent streams, the simulated node "runs" the transfer with the served codec on
 * the slow host (the profile's ratio and its speeds divided by {@code slowdown}, with log-normal noise of 10 % on
 * times and 3 % on ratios) and reports a {@code dwcp_transfer_outcome} datagram, decoded by the agent's own decoder
 * (no entropy in it: the link's transfer hint is used, as for a node that sends none).
 *
 * <p>At checkpoints (after 0, 5, 10, ... outcomes) a fixed evaluation set of contexts from another seed is sent and the
 * served choices are scored against the true (slow-host) oracle: the mean regret (time lost against it, as a fraction
 * of its time), the mean CPU cost of the chosen codecs (compress + decompress seconds per MB under the model's
 * profile, a fixed yardstick: lower = lighter codecs) and the share of contexts whose codec became lighter than at
 * the start. {@code X} is the regret before any outcome, {@code Y} after the last, {@code N} the first checkpoint by
 * which 90 % of the fall from X to Y was made.
 *
 * <p>{@code java -cp agent/target/dwcp-agent.jar io.dwcp.agent.demo.SlowHostReplay [outcomes=400] [eval=1000]
 * [slowdown=3] [seed=15]}; {@code SlowHostReplayTest} runs it and asserts the shift and the fall.
 */
public final class SlowHostReplay {
    private SlowHostReplay() {}

    static final int[] CHECKPOINTS = {0, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 600, 800, 1000};

    /** The evaluation after {@code outcomes} outcomes. */
    public record Checkpoint(int outcomes, double regret, double cpuSecondsPerMB, double lighterShare,
                             Map<Codec, Integer> choices) {}

    /**
     * The curve and its summary; {@code liveFirst}/{@code liveLast}: mean true regret of the first and last 50
     * streamed decisions (the ones the outcomes came from).
     */
    public record Result(List<Checkpoint> curve, int n, double x, double y, double liveFirst, double liveLast,
                         Map<Codec, Double> compressFactor, Map<Codec, Double> decompressFactor, double seconds) {}

    /** The base profile with every codec's speeds divided by {@code slowdown} (ratios unchanged). */
    static CodecProfile slowed(CodecProfile base, double slowdown) {
        List<CodecProfile.Point> pts = new ArrayList<>();
        for (CodecProfile.Point p : base.points()) {
            double[] cs = p.compressMBps().clone();
            double[] ds = p.decompressMBps().clone();
            for (int k = 1; k < cs.length; k++) {
                cs[k] /= slowdown;
                ds[k] /= slowdown;
            }
            pts.add(new CodecProfile.Point(p.entropy(), p.randomFraction(), p.ratio().clone(), cs, ds));
        }
        return new CodecProfile(base.measuredOn() + ", speeds / " + slowdown, pts);
    }

    public static Result run(int outcomes, int evalSize, double slowdown, long seed) throws Exception {
        long t0 = System.nanoTime();
        CodecProfile base = CodecProfile.bundled();
        CodecProfile truth = slowed(base, slowdown);
        Map<String, String> m = Map.of(
                "dwcp.codec-profile.bench-on-start", "false", // the truth is relative to the model's profile, not this host
                "dwcp.inference.watch-models", "false",
                "dwcp.windows.idle-eviction", "1h",
                "dwcp.recommend.enabled", "false",
                "dwcp.degradation.enabled", "false");
        AgentConfig cfg = AgentConfig.from(k -> Optional.ofNullable(m.get(k)));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        ModelRegistry registry = BuiltinModels.registry();
        Map<String, CompressionChoice> choices = new ConcurrentHashMap<>();
        EventSink sink = e -> {
            if (e instanceof CompressionChoice c) {
                choices.put(c.node_id() + "->" + c.peer_id(), c);
            }
        };
        double[][] stream = SyntheticTransfers.demo(outcomes, 12, 20_000, seed);
        double[][] eval = SyntheticTransfers.demo(evalSize, 12, 20_000, seed + 1000);
        SplittableRandom noise = new SplittableRandom(seed + 7);
        SniffingDecoder decoder = new SniffingDecoder(IngestLimits.defaults(cfg.ingest().maxFutureSkew().toMillis()));
        List<Checkpoint> curve = new ArrayList<>();
        double[] live = new double[outcomes];
        Map<Codec, Double> cf = new EnumMap<>(Codec.class);
        Map<Codec, Double> df = new EnumMap<>(Codec.class);
        TensorFlowBackend backend = TensorFlowBackend.nativeCpu(cfg, registry, reg);
        try (Pipeline pipeline = new Pipeline(cfg, registry, backend.load(null).models(), sink, reg)) {
            pipeline.start();
            int[] first = null;
            int done = 0;
            for (int cp : CHECKPOINTS) {
                if (cp > outcomes) {
                    break;
                }
                for (; done < cp; done++) {
                    double[] x = stream[done];
                    String node = "s" + (done % 4);
                    String peer = "p" + (done % 4);
                    Codec c = choose(pipeline, choices, node, peer, x);
                    live[done] = regret(truth, x, c);
                    RecordSink toPipeline = new RecordSink() {
                        @Override
                        public void accept(MetricRecord r) {
                            offer(pipeline, r);
                        }

                        @Override
                        public void reject(RejectReason reason, String detail) {
                            throw new IllegalStateException("outcome rejected (" + reason.label() + "): " + detail);
                        }
                    };
                    byte[] datagram = outcome(truth, node, peer, x, c, noise).getBytes(StandardCharsets.UTF_8);
                    decoder.decode(datagram, 0, datagram.length, System.currentTimeMillis(), toPipeline);
                }
                int[] served = evaluate(pipeline, choices, eval);
                if (first == null) {
                    first = served;
                }
                curve.add(checkpoint(cp, base, truth, eval, served, first));
            }
            for (Codec c : Codec.values()) {
                if (c != Codec.NONE) {
                    cf.put(c, gauge(reg, c, "compress"));
                    df.put(c, gauge(reg, c, "decompress"));
                }
            }
        }
        double x = curve.get(0).regret();
        double y = curve.get(curve.size() - 1).regret();
        int n = curve.get(curve.size() - 1).outcomes();
        for (Checkpoint c : curve) {
            if (c.regret() <= y + 0.1 * (x - y)) {
                n = c.outcomes();
                break;
            }
        }
        int k = Math.min(50, outcomes / 2);
        return new Result(curve, n, x, y, mean(live, 0, k), mean(live, outcomes - k, outcomes), cf, df,
                (System.nanoTime() - t0) / 1e9);
    }

    private static double gauge(SimpleMeterRegistry reg, Codec c, String direction) {
        return reg.get("dwcp.codec.profile.speed.factor").tag("codec", c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .tag("direction", direction).gauge().value();
    }

    /** Sends one context and waits for the agent's choice for it. */
    private static Codec choose(Pipeline p, Map<String, CompressionChoice> choices, String node, String peer, double[] x)
            throws TimeoutException {
        String key = node + "->" + peer;
        choices.remove(key);
        offer(p, transfer(node, peer, x));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        CompressionChoice c;
        while ((c = choices.get(key)) == null) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no compression_choice for " + key + " within 30 s");
            }
            LockSupport.parkNanos(50_000);
        }
        return Codec.values()[c.codec()];
    }

    private static int[] evaluate(Pipeline p, Map<String, CompressionChoice> choices, double[][] eval)
            throws TimeoutException {
        for (int j = 0; j < eval.length; j++) {
            choices.remove("eval->e" + j);
        }
        for (int j = 0; j < eval.length; j++) {
            offer(p, transfer("eval", "e" + j, eval[j]));
        }
        int[] out = new int[eval.length];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int j = 0; j < eval.length; j++) {
            CompressionChoice c;
            while ((c = choices.get("eval->e" + j)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("evaluation: no compression_choice for context " + j + " within 60 s");
                }
                LockSupport.parkNanos(100_000);
            }
            out[j] = c.codec();
        }
        return out;
    }

    private static Checkpoint checkpoint(int outcomes, CodecProfile base, CodecProfile truth, double[][] eval,
                                         int[] served, int[] first) {
        double regret = 0;
        double cpu = 0;
        int lighter = 0;
        Map<Codec, Integer> hist = new EnumMap<>(Codec.class);
        for (int j = 0; j < eval.length; j++) {
            Codec c = Codec.values()[served[j]];
            regret += regret(truth, eval[j], c);
            double cost = cpuCost(base, c, eval[j][4]);
            cpu += cost;
            if (cost < cpuCost(base, Codec.values()[first[j]], eval[j][4])) {
                lighter++;
            }
            hist.merge(c, 1, Integer::sum);
        }
        return new Checkpoint(outcomes, regret / eval.length, cpu / eval.length, (double) lighter / eval.length, hist);
    }

    /** Compress + decompress seconds per MB of codec {@code c} under {@code p} at {@code entropy} (0 for none). */
    public static double cpuCost(CodecProfile p, Codec c, double entropy) {
        if (c == Codec.NONE) {
            return 0;
        }
        double[] v = p.at(c, entropy);
        return 1 / v[1] + 1 / v[2];
    }

    /** Time the codec loses against the true oracle, as a fraction of the oracle's time. */
    static double regret(CodecProfile truth, double[] x, Codec c) {
        double[] t = truth.transferSeconds(x);
        double best = t[CodecProfile.argmin(t)];
        return (t[c.ordinal()] - best) / best;
    }

    private static MetricRecord transfer(String node, String peer, double[] x) {
        double[] v = CompressionDomain.forModel(x);
        return new MetricRecord(Measurement.TRANSFER, node, peer, System.currentTimeMillis(),
                new double[] {x[0], x[1], v[2], x[3], x[4], x[5]});
    }

    /** What the slow host's node reports after running the transfer of {@code x} with {@code c}. */
    static String outcome(CodecProfile truth, String node, String peer, double[] x, Codec c, SplittableRandom r) {
        double in = x[3];
        double out = in;
        double cUs = 0;
        double dUs = 0;
        if (c != Codec.NONE) {
            double[] v = truth.at(c, x[4]);
            out = Math.max(1, Math.rint(in * v[0] * Math.exp(0.03 * gaussian(r))));
            cUs = in / (v[1] * Math.max(0.05, 1 - x[5])) * Math.exp(0.1 * gaussian(r));
            dUs = in / v[2] * Math.exp(0.1 * gaussian(r));
        }
        double wire = out * 8 / (x[0] * 1e6);
        return String.format(Locale.ROOT, "{\"type\":\"transfer_outcome\",\"node_id\":\"%s\",\"peer_id\":\"%s\","
                        + "\"codec\":\"%s\",\"level\":%d,\"bytes_in\":%.0f,\"bytes_out\":%.0f,\"compress_us\":%.1f,"
                        + "\"decompress_us\":%.1f,\"wire_seconds\":%.6f,\"cpu_usage\":%.4f}",
                node, peer, c.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                io.dwcp.models.compression.Codecs.level(c), in, out, cUs, dUs, wire, x[5]);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static void offer(Pipeline p, MetricRecord r) {
        while (!p.offer(r)) {
            LockSupport.parkNanos(100_000);
        }
    }

    private static double mean(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return to > from ? s / (to - from) : Double.NaN;
    }

    public static void main(String[] args) throws Exception {
        int outcomes = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int evalSize = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        double slowdown = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 15;
        Result r = run(outcomes, evalSize, slowdown, seed);
        System.out.printf(Locale.ROOT, "slow host: codec speeds / %.1f, %d outcomes, %d evaluation contexts (demo "
                + "distribution), seed %d%n", slowdown, outcomes, evalSize, seed);
        System.out.println("outcomes  regret_vs_true_oracle  cpu_s_per_MB  lighter_share  choices");
        for (Checkpoint c : r.curve()) {
            System.out.printf(Locale.ROOT, "%8d  %21.4f  %12.4f  %13.3f  %s%n", c.outcomes(), c.regret(),
                    c.cpuSecondsPerMB(), c.lighterShare(), c.choices());
        }
        System.out.printf(Locale.ROOT, "X = %.4f (before any outcome), Y = %.4f (after %d), N = %d outcomes (90 %% of "
                + "the fall)%n", r.x(), r.y(), r.curve().get(r.curve().size() - 1).outcomes(), r.n());
        System.out.printf(Locale.ROOT, "live regret of the streamed decisions: first 50 %.4f, last 50 %.4f%n",
                r.liveFirst(), r.liveLast());
        System.out.println("learnt speed factors (true: " + String.format(Locale.ROOT, "%.3f", 1 / slowdown)
                + "): compress " + r.compressFactor() + ", decompress " + r.decompressFactor());
        System.out.printf(Locale.ROOT, "%.1f s%n", r.seconds());
    }
}

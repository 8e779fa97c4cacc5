package io.dwcp.models.serving;

import io.dwcp.models.compression.CodecProfile;
import io.dwcp.models.compression.Codecs;
import io.dwcp.models.compression.CompressionDomain;
import io.dwcp.models.features.Schemas.Codec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * This host's codec behaviour, learnt online (issue 15): corrections to a base profile (the one the compression
 * model was trained on), as factors in log space, so that an unlearnt profile is the base exactly and every
 * correction is bounded.
 * <ul>
 *   <li>ratio: a factor per codec × entropy bucket ({@value #BUCKETS} buckets of one bit/byte), from
 *       {@code bytes_out / bytes_in} against the base ratio at the outcome's entropy;</li>
 *   <li>speed: a factor per codec for compression and one for decompression, from {@code bytes_in / time} against
 *       the base speed at the outcome's entropy. Compression is normalised by the sender's CPU load the way the cost
 *       model applies it (speed × max(0.05, 1 − cpu_usage)), so a loaded sender does not teach "slow codec";
 *       decompression is taken as on an idle receiver, as in the cost model.</li>
 * </ul>
 * Each factor is a running mean of its observations (the base counting as {@value #PRIOR_WEIGHT} observation) until
 * it has {@code 1/MIN_RATE} of them, then an exponential average with rate {@value #MIN_RATE}, so it keeps following
 * a host whose load or payloads change. Observations are clamped (ratio factor within ×/÷{@value #MAX_RATIO_FACTOR},
 * speed factor within ×/÷{@value #MAX_SPEED_FACTOR}) so one odd report moves an estimate a bounded amount. Codec times
 * under {@value #MIN_TIMED_US} µs and payloads under {@value #MIN_RATIO_BYTES} bytes teach nothing (clock resolution,
 * per-call overhead and frame headers dominate them).
 *
 * <p>The agent learns it from {@code dwcp_transfer_outcome} reports and judges the compression model's choices with it
 * ({@link #judge}); it lives here, beside the cost model it corrects, so that the agent reads only the serving API.
 *
 * <p>Memory is fixed: {@value #BUCKETS} × 5 ratio cells and 2 × 5 speed cells, whatever the traffic. Thread-safe:
 * updates are synchronized; {@link #snapshot} is an immutable {@link CodecProfile} swapped after each update, read
 * without a lock by the decisions.
 */
public final class HostCodecProfile {
    public static final int BUCKETS = 8;
    static final int CODECS = Codec.values().length;
    public static final double MIN_RATE = 0.05;
    public static final double PRIOR_WEIGHT = 1;
    public static final double MAX_RATIO_FACTOR = 4;
    public static final double MAX_SPEED_FACTOR = 100;
    public static final double MIN_TIMED_US = 100;
    public static final double MIN_RATIO_BYTES = 4096;
    /** The cost model's floor on the CPU share left to compression (CodecProfile#transferSeconds). */
    private static final double MIN_AVAILABLE_CPU = 0.05;

    private final CodecProfile base;
    private final double[][] ratio = new double[CODECS][BUCKETS];
    private final long[][] ratioN = new long[CODECS][BUCKETS];
    private final double[] compress = new double[CODECS];
    private final long[] compressN = new long[CODECS];
    private final double[] decompress = new double[CODECS];
    private final long[] decompressN = new long[CODECS];
    private final boolean[] compressSeeded = new boolean[CODECS];
    private final boolean[] decompressSeeded = new boolean[CODECS];
    private long observations;
    private boolean seeded;
    private volatile CodecProfile snapshot;
    private volatile CodecProfile learntSnapshot; // null until something was learnt

    public HostCodecProfile(CodecProfile base) {
        this.base = base;
        this.snapshot = base;
    }

    /** A profile over the codec profile the shipped compression model was trained on. */
    public static HostCodecProfile overBundled() throws IOException {
        return new HostCodecProfile(CodecProfile.bundled());
    }

    /** The level the agent runs a codec at (0 where it has none): outcomes at another level are another codec. */
    public static int level(Codec c) {
        return Codecs.level(c);
    }

    /** The learnt compressed/original ratio of {@code c} at {@code entropy} (the base's until learnt). */
    public double ratio(Codec c, double entropy) {
        return snapshot.at(c, entropy)[0];
    }

    /**
     * The compression model's choice judged under this profile, or null while nothing was learnt. The oracle is the
     * argmin of compress + bytes/bandwidth + decompress under the learnt profile; the model's codec is kept unless it
     * is slower than sending uncompressed or loses more than {@code maxRegret} (a fraction of the oracle's time)
     * against the oracle, and then the oracle's is served. {@code ctx} is a raw context in {@code Schemas.COMPRESSION}
     * order; any input gives finite numbers ({@link CompressionDomain#forCosts}). Lock-free.
     */
    public Judgement judge(float[] ctx, Codec model, double maxRegret) {
        CodecProfile p = learntSnapshot;
        if (p == null) {
            return null;
        }
        double[] t = p.transferSeconds(CompressionDomain.toDouble(ctx));
        int oracle = CodecProfile.argmin(t);
        double none = t[Codec.NONE.ordinal()];
        double regret = (t[model.ordinal()] - t[oracle]) / t[oracle];
        boolean replaced = t[model.ordinal()] > none || regret > maxRegret;
        int served = replaced ? oracle : model.ordinal();
        double second = Double.POSITIVE_INFINITY;
        for (int i = 0; i < t.length; i++) {
            if (i != served) {
                second = Math.min(second, t[i]);
            }
        }
        return new Judgement(Codec.values()[served], Codecs.level(Codec.values()[served]), replaced,
                Codec.values()[oracle], finite(regret), finite((none - t[served]) / none),
                finite((second - t[served]) / second));
    }

    /**
     * A judged choice: the {@code served} codec and its level, whether the model's was {@code replaced} by the
     * oracle's, the {@code oracle}'s codec, the model's {@code regret} against it, the served codec's {@code gain}
     * over sending uncompressed and its {@code margin} over the runner-up (fractions of time; all finite).
     */
    public record Judgement(Codec served, int level, boolean replaced, Codec oracle, double regret, double gain,
                            double margin) {}

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** The bucket of an entropy in bits/byte (clamped to 0..8; 8 is in the top bucket). */
    public static int bucket(double entropy) {
        if (!(entropy > 0)) {
            return 0;
        }
        return Math.min(BUCKETS - 1, (int) Math.floor(entropy * BUCKETS / 8.0));
    }

    /** The profile as learnt so far (the base until something was learnt). Immutable. */
    public CodecProfile snapshot() {
        return snapshot;
    }

    /** The snapshot once something was learnt, else null. */
    CodecProfile learntOrNull() {
        return learntSnapshot;
    }

    public CodecProfile base() {
        return base;
    }

    /** Whether anything was learnt (an outcome used, or a benchmark seed): until then the base is the profile. */
    public synchronized boolean learnt() {
        return seeded || observations > 0;
    }

    public synchronized boolean seeded() {
        return seeded;
    }

    /** Outcomes that taught the profile something. */
    public synchronized long observations() {
        return observations;
    }

    /**
     * Learns from one finished transfer. {@code decompressUs} NaN when not known. Returns whether anything was
     * learnt ({@code false} for {@code none}, which has no codec cost, or when every quantity was too small to time).
     */
    public synchronized boolean observe(Codec c, double entropy, double bytesIn, double bytesOut, double compressUs,
                                        double decompressUs, double cpuUsage) {
        if (c == Codec.NONE) {
            return false;
        }
        int k = c.ordinal();
        double[] b = base.at(c, entropy);
        boolean learnt = false;
        if (bytesIn >= MIN_RATIO_BYTES) {
            int j = bucket(entropy);
            double x = clampLog(bytesOut / bytesIn / b[0], MAX_RATIO_FACTOR);
            ratio[k][j] += rate(ratioN[k][j]++) * (x - ratio[k][j]);
            learnt = true;
        }
        if (compressUs >= MIN_TIMED_US) {
            double available = Math.max(MIN_AVAILABLE_CPU, 1 - Math.min(1, Math.max(0, cpuUsage)));
            // bytes per µs is MB/s, the unit of the profile.
            double x = clampLog(bytesIn / compressUs / (b[1] * available), MAX_SPEED_FACTOR);
            compress[k] += rate(compressN[k]++) * (x - compress[k]);
            learnt = true;
        }
        if (decompressUs >= MIN_TIMED_US) {
            double x = clampLog(bytesIn / decompressUs / b[2], MAX_SPEED_FACTOR);
            decompress[k] += rate(decompressN[k]++) * (x - decompress[k]);
            learnt = true;
        }
        if (learnt) {
            observations++;
            rebuild();
        }
        return learnt;
    }

    /**
     * Seeds the speed factors of {@code c} from a benchmark on this host ({@code entropy} of the benchmark payload, its
     * speeds in MB/s, measured on an idle host). Replaces the factors that no outcome has taught yet; they keep the weight of the prior, so the first
     * real outcomes move them as much as they would move the base.
     */
    public synchronized void seed(Codec c, double entropy, double compressMBps, double decompressMBps) {
        if (c == Codec.NONE) {
            return;
        }
        double[] b = base.at(c, entropy);
        int k = c.ordinal();
        // Real outcomes beat a benchmark: a factor that has learnt from some keeps what it learnt.
        if (compressN[k] == 0) {
            compress[k] = clampLog(compressMBps / b[1], MAX_SPEED_FACTOR);
            compressSeeded[k] = true;
        }
        if (decompressN[k] == 0) {
            decompress[k] = clampLog(decompressMBps / b[2], MAX_SPEED_FACTOR);
            decompressSeeded[k] = true;
        }
        seeded = true;
        rebuild();
    }

    /**
     * The compression (or decompression) speed of this host relative to the base, for a codec: its own factor once an
     * outcome or the benchmark measured it, else the mean (in log space) of the factors of the codecs that were
     * measured. A CPU that is slower for one codec is most likely slower for all; without this pooling a codec the
     * agent has not served yet keeps the base's speed and looks better than every measured one, so a slow host would
     * be steered onto each unmeasured codec in turn before learning it (the regret rose for a few outcomes in the
     * slow-host replay before this).
     */
    public synchronized double speedFactor(Codec c, boolean compression) {
        return Math.exp(compression ? effective(compress, compressN, compressSeeded, c.ordinal())
                : effective(decompress, decompressN, decompressSeeded, c.ordinal()));
    }

    private static double effective(double[] f, long[] n, boolean[] seededCodec, int k) {
        if (n[k] > 0 || seededCodec[k]) {
            return f[k];
        }
        double sum = 0;
        int known = 0;
        for (int i = 1; i < f.length; i++) {
            if (n[i] > 0 || seededCodec[i]) {
                sum += f[i];
                known++;
            }
        }
        return known == 0 ? 0 : sum / known;
    }

    /** Observations behind a codec's compression-speed factor (the count the gauges show). */
    public synchronized long speedObservations(Codec c) {
        return compressN[c.ordinal()];
    }

    /** The learnt state, for persistence. */
    public synchronized State state() {
        double[][] r = new double[CODECS][];
        long[][] rn = new long[CODECS][];
        for (int k = 0; k < CODECS; k++) {
            r[k] = ratio[k].clone();
            rn[k] = ratioN[k].clone();
        }
        return new State(State.VERSION, base.measuredOn(), observations, seeded, r, rn, compress.clone(),
                compressN.clone(), compressSeeded.clone(), decompress.clone(), decompressN.clone(),
                decompressSeeded.clone());
    }

    /** Restores a persisted state; {@link IllegalArgumentException} when it is not one this class wrote. */
    public synchronized void restore(State s) {
        s.validate();
        for (int k = 0; k < CODECS; k++) {
            System.arraycopy(s.ratioLog()[k], 0, ratio[k], 0, BUCKETS);
            System.arraycopy(s.ratioN()[k], 0, ratioN[k], 0, BUCKETS);
        }
        System.arraycopy(s.compressLog(), 0, compress, 0, CODECS);
        System.arraycopy(s.compressN(), 0, compressN, 0, CODECS);
        System.arraycopy(s.compressSeeded(), 0, compressSeeded, 0, CODECS);
        System.arraycopy(s.decompressLog(), 0, decompress, 0, CODECS);
        System.arraycopy(s.decompressN(), 0, decompressN, 0, CODECS);
        System.arraycopy(s.decompressSeeded(), 0, decompressSeeded, 0, CODECS);
        observations = s.observations();
        seeded = s.seeded();
        rebuild();
    }

    /**
     * The base with the factors applied, at the base's own entropies and at every bucket centre. A centre lies on the
     * base's piecewise-linear curve, so with no correction learnt the result is the base exactly; with corrections,
     * each bucket's factor shows at its centre even where the base has no point (it measured nothing below 5.2
     * bits/byte).
     */
    private void rebuild() {
        TreeSet<Double> at = new TreeSet<>();
        base.points().forEach(p -> at.add(p.entropy()));
        for (int j = 0; j < BUCKETS; j++) {
            at.add((j + 0.5) * 8.0 / BUCKETS);
        }
        List<CodecProfile.Point> pts = new ArrayList<>(at.size());
        for (double e : at) {
            double[] r = new double[CODECS], cs = new double[CODECS], ds = new double[CODECS];
            for (Codec c : Codec.values()) {
                int k = c.ordinal();
                double[] b = base.at(c, e);
                if (c == Codec.NONE) {
                    r[k] = b[0];
                    cs[k] = b[1];
                    ds[k] = b[2];
                    continue;
                }
                r[k] = b[0] * Math.exp(ratio[k][bucket(e)]);
                cs[k] = b[1] * Math.exp(effective(compress, compressN, compressSeeded, k));
                ds[k] = b[2] * Math.exp(effective(decompress, decompressN, decompressSeeded, k));
            }
            pts.add(new CodecProfile.Point(e, Double.NaN, r, cs, ds));
        }
        snapshot = new CodecProfile("host (learnt on " + base.measuredOn() + ")", pts);
        if (seeded || observations > 0) {
            learntSnapshot = snapshot;
        }
    }

    private static double rate(long n) {
        return Math.max(MIN_RATE, 1.0 / (n + 1 + PRIOR_WEIGHT));
    }

    private static double clampLog(double factor, double max) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            return factor > 0 ? Math.log(max) : -Math.log(max);
        }
        return Math.max(-Math.log(max), Math.min(Math.log(max), Math.log(factor)));
    }

    /**
     * The persisted form: log factors and their observation counts, by {@link Codec} ordinal (ratio per entropy
     * bucket). {@code base} names the profile the factors apply to, for the operator.
     */
    public record State(int version, String base, long observations, boolean seeded, double[][] ratioLog,
                        long[][] ratioN, double[] compressLog, long[] compressN, boolean[] compressSeeded,
                        double[] decompressLog, long[] decompressN, boolean[] decompressSeeded) {
        public static final int VERSION = 1;

        /** {@link IllegalArgumentException} unless this is a state {@link HostCodecProfile} wrote. */
        public void validate() {
            if (version != VERSION) {
                throw new IllegalArgumentException("codec profile state version " + version + ", expected " + VERSION);
            }
            if (ratioLog == null || ratioN == null || ratioLog.length != CODECS || ratioN.length != CODECS) {
                throw new IllegalArgumentException("codec profile state: ratio is not " + CODECS + " codecs");
            }
            for (int k = 0; k < CODECS; k++) {
                if (ratioLog[k] == null || ratioN[k] == null || ratioLog[k].length != BUCKETS || ratioN[k].length != BUCKETS) {
                    throw new IllegalArgumentException("codec profile state: ratio of codec " + k + " is not " + BUCKETS
                            + " buckets");
                }
                bounded(ratioLog[k], MAX_RATIO_FACTOR, "ratio");
                counts(ratioN[k]);
            }
            for (double[] a : new double[][] {compressLog, decompressLog}) {
                if (a == null || a.length != CODECS) {
                    throw new IllegalArgumentException("codec profile state: speeds are not " + CODECS + " codecs");
                }
                bounded(a, MAX_SPEED_FACTOR, "speed");
            }
            for (long[] a : new long[][] {compressN, decompressN}) {
                if (a == null || a.length != CODECS) {
                    throw new IllegalArgumentException("codec profile state: counts are not " + CODECS + " codecs");
                }
                counts(a);
            }
            for (boolean[] a : new boolean[][] {compressSeeded, decompressSeeded}) {
                if (a == null || a.length != CODECS) {
                    throw new IllegalArgumentException("codec profile state: seeded flags are not " + CODECS + " codecs");
                }
            }
            if (observations < 0) {
                throw new IllegalArgumentException("codec profile state: negative observation count");
            }
        }

        private static void bounded(double[] a, double max, String what) {
            for (double v : a) {
                if (!Double.isFinite(v) || Math.abs(v) > Math.log(max) + 1e-9) {
                    throw new IllegalArgumentException("codec profile state: " + what + " factor log " + v
                            + " outside ±ln " + max + " in " + Arrays.toString(a));
                }
            }
        }

        private static void counts(long[] a) {
            for (long v : a) {
                if (v < 0) {
                    throw new IllegalArgumentException("codec profile state: negative count in " + Arrays.toString(a));
                }
            }
        }
    }
}

package io.dwcp.models.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dwcp.models.data.LinkSeries;
import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Schemas;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads history files (format in {@link HistoryFormat}). Every block is checked (framing, lengths, CRC32C)
 * before any of its rows is used: a file whose header does not check is skipped whole, a block that does
 * not check ends its file (the blocks before it are kept), and both are counted in {@link Stats}, so a file
 * torn at power loss never feeds training garbage. Stateless; thread-safe.
 */
public final class HistoryReader {
    private HistoryReader() {}

    /** What was read and what was skipped, and why. */
    public record Stats(int files, int filesSkipped, long blocks, long blocksSkipped, long bytesSkipped, long rows,
                        long rowsSchemaMismatch, List<String> problems) {}

    /** Rows per kind (model name) per key, each key's rows in file order. */
    public record History(Map<String, Map<String, List<HistoryRow>>> rows, Stats stats) {
        public Map<String, List<HistoryRow>> kind(String model) {
            return rows.getOrDefault(model, Map.of());
        }

        /**
         * The recorded links as forecaster series (rows sorted by time, duplicate timestamps dropped), in key
         * order. Links shorter than {@code minSteps} are left out. The step is the median sample spacing.
         */
        public List<LinkSeries> linkSeries(int minSteps) {
            List<LinkSeries> out = new ArrayList<>();
            for (var e : new TreeMap<>(kind(Schemas.BANDWIDTH.model())).entrySet()) {
                List<HistoryRow> rs = new ArrayList<>(e.getValue());
                rs.sort(Comparator.comparingLong(HistoryRow::timestampMillis));
                List<double[]> rows = new ArrayList<>();
                List<Long> ts = new ArrayList<>();
                long last = Long.MIN_VALUE;
                for (HistoryRow r : rs) {
                    if (r.timestampMillis() == last) {
                        continue;
                    }
                    last = r.timestampMillis();
                    double[] d = new double[r.values().length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = r.values()[i];
                    }
                    rows.add(d);
                    ts.add(r.timestampMillis());
                }
                if (rows.size() < minSteps) {
                    continue;
                }
                long[] gaps = new long[ts.size() - 1];
                for (int i = 1; i < ts.size(); i++) {
                    gaps[i - 1] = ts.get(i) - ts.get(i - 1);
                }
                Arrays.sort(gaps);
                double step = gaps.length == 0 ? 0 : gaps[gaps.length / 2] / 1000.0;
                out.add(new LinkSeries(e.getKey(), null, step, rows.toArray(new double[0][]), new boolean[rows.size()]));
            }
            return out;
        }
    }

    /** The history files of {@code dir} in name order (= time order for the agent's names). */
    public static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("history directory " + dir + " does not exist");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(HistoryFormat.SUFFIX) && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    /** Reads every history file in {@code dir}. */
    public static History readDir(Path dir) throws IOException {
        return read(files(dir), null);
    }

    /**
     * Reads only the rows of {@code kinds} (model names) into memory; blocks of other kinds are still
     * checked, since a bad one ends its file. Null = all kinds.
     */
    public static History readDir(Path dir, java.util.Set<String> kinds) throws IOException {
        return read(files(dir), kinds);
    }

    public static History read(List<Path> files, java.util.Set<String> kinds) throws IOException {
        Acc acc = new Acc();
        acc.kinds = kinds;
        for (Path f : files) {
            readFile(f, acc);
        }
        return new History(acc.rows, new Stats(files.size(), acc.filesSkipped, acc.blocks, acc.blocksSkipped,
                acc.bytesSkipped, acc.rowCount, acc.mismatch, List.copyOf(acc.problems)));
    }

    private static final class Acc {
        final Map<String, Map<String, List<HistoryRow>>> rows = new LinkedHashMap<>();
        int filesSkipped;
        long blocks;
        long blocksSkipped;
        long bytesSkipped;
        long rowCount;
        long mismatch;
        java.util.Set<String> kinds;
        final List<String> problems = new ArrayList<>();
    }

    private static void readFile(Path f, Acc acc) throws IOException {
        byte[] a = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(a);
        List<FeatureSchema> kinds;
        try {
            kinds = header(b, a);
        } catch (IOException | RuntimeException e) {
            acc.filesSkipped++;
            acc.bytesSkipped += a.length;
            acc.problems.add(f.getFileName() + ": skipped, " + e.getMessage());
            return;
        }
        while (b.hasRemaining()) {
            int start = b.position();
            try {
                block(b, a, kinds, acc);
                acc.blocks++;
            } catch (IOException | RuntimeException e) {
                acc.blocksSkipped++;
                acc.bytesSkipped += a.length - start;
                acc.problems.add(f.getFileName() + ": " + e.getMessage() + " at byte " + start + ", rest of file ("
                        + (a.length - start) + " bytes) skipped");
                return;
            }
        }
    }

    private static List<FeatureSchema> header(ByteBuffer b, byte[] a) throws IOException {
        if (a.length < HistoryFormat.MAGIC.length + 8) {
            throw new IOException("shorter than a header (" + a.length + " bytes)");
        }
        byte[] magic = new byte[HistoryFormat.MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, HistoryFormat.MAGIC)) {
            throw new IOException("not a history file (bad magic)");
        }
        int len = b.getInt();
        if (len <= 0 || len > HistoryFormat.MAX_HEADER_BYTES || len + 4 > b.remaining()) {
            throw new IOException("torn or bad header (length " + len + ")");
        }
        int at = b.position();
        b.position(at + len);
        if (b.getInt() != HistoryFormat.crc(a, at, len)) {
            throw new IOException("header checksum mismatch");
        }
        JsonNode h = new ObjectMapper().readTree(new String(a, at, len, StandardCharsets.UTF_8));
        if (h.path("format_version").asInt(-1) != HistoryFormat.VERSION) {
            throw new IOException("format_version " + h.path("format_version") + " is not " + HistoryFormat.VERSION);
        }
        List<FeatureSchema> kinds = new ArrayList<>();
        for (JsonNode k : h.path("kinds")) {
            List<String> feats = new ArrayList<>();
            k.path("features").forEach(x -> feats.add(x.asText()));
            kinds.add(new FeatureSchema(k.path("model").asText(), feats, 1));
        }
        return kinds;
    }

    private static void block(ByteBuffer b, byte[] a, List<FeatureSchema> kinds, Acc acc) throws IOException {
        if (b.remaining() < HistoryFormat.BLOCK_HEADER_BYTES) {
            throw new IOException("torn block header");
        }
        int start = b.position();
        if (b.getInt() != HistoryFormat.BLOCK_MAGIC) {
            throw new IOException("bad block magic");
        }
        int kind = b.get() & 0xff;
        int n = b.getInt();
        int len = b.getInt();
        int crc = b.getInt();
        if (len < 0 || len > HistoryFormat.MAX_PAYLOAD_BYTES || len > b.remaining()) {
            throw new IOException("torn block (payload length " + len + ", " + b.remaining() + " bytes left)");
        }
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(a, start + 4, 9);
        c.update(a, b.position(), len);
        if ((int) c.getValue() != crc) {
            throw new IOException("block checksum mismatch");
        }
        if (kind >= kinds.size() || n < 0) {
            throw new IOException("bad block kind " + kind + " or rows " + n);
        }
        FeatureSchema schema = kinds.get(kind);
        int features = schema.size();
        ByteBuffer p = ByteBuffer.wrap(a, b.position(), len).slice();
        b.position(b.position() + len);
        if (acc.kinds != null && !acc.kinds.contains(schema.model())) {
            return; // checked above; not wanted
        }
        try {
            int k = p.getShort() & 0xffff;
            String[] keys = new String[k];
            for (int i = 0; i < k; i++) {
                int kl = p.getShort() & 0xffff;
                byte[] kb = new byte[kl];
                p.get(kb);
                keys[i] = new String(kb, StandardCharsets.UTF_8);
            }
            if (p.remaining() != (long) n * (2 + 8 + 4L * features)) {
                throw new IOException("block payload size does not match " + n + " rows of " + features + " features");
            }
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = p.getShort() & 0xffff;
                if (idx[i] >= k) {
                    throw new IOException("key index out of range");
                }
            }
            long[] ts = new long[n];
            for (int i = 0; i < n; i++) {
                ts[i] = p.getLong();
            }
            float[][] v = new float[n][features];
            for (int f = 0; f < features; f++) {
                for (int i = 0; i < n; i++) {
                    v[i][f] = p.getFloat();
                }
            }
            // A file written by a build with another schema for this kind: its rows would be misread.
            FeatureSchema now = HistoryFormat.KINDS.stream().filter(s -> s.model().equals(schema.model())).findFirst()
                    .orElse(null);
            if (now == null || !now.features().equals(schema.features())) {
                acc.mismatch += n;
                return;
            }
            Map<String, List<HistoryRow>> byKey = acc.rows.computeIfAbsent(schema.model(), x -> new LinkedHashMap<>());
            for (int i = 0; i < n; i++) {
                byKey.computeIfAbsent(keys[idx[i]], x -> new ArrayList<>()).add(new HistoryRow(keys[idx[i]], ts[i], v[i]));
            }
            acc.rowCount += n;
        } catch (BufferUnderflowException e) {
            throw new IOException("block payload shorter than its framing says");
        }
    }
}

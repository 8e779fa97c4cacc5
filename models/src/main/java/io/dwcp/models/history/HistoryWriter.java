package io.dwcp.models.history;

import io.dwcp.models.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one history file (format in {@link HistoryFormat}). Each {@link #write} appends one whole block
 * with a single positional write, so a crash leaves at most one torn block at the end, which readers detect
 * by its checksum and skip. Not thread-safe: the agent uses one writer thread.
 */
public final class HistoryWriter implements AutoCloseable {
    private final Path file;
    private final FileChannel ch;
    private final long headerBytes;
    private long size;

    private HistoryWriter(Path file, FileChannel ch, long size, long headerBytes) {
        this.file = file;
        this.ch = ch;
        this.size = size;
        this.headerBytes = headerBytes;
    }

    /**
     * Creates {@code file} (must not exist) and writes the header. If the header cannot be written (disk full),
     * the file is removed again: a failed create leaves nothing behind (issue 17 item 6).
     */
    public static HistoryWriter create(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            byte[] header = header();
            ByteBuffer b = ByteBuffer.allocate(HistoryFormat.MAGIC.length + 8 + header.length);
            b.put(HistoryFormat.MAGIC).putInt(header.length).put(header)
                    .putInt(HistoryFormat.crc(header, 0, header.length)).flip();
            writeFully(ch, b);
            return new HistoryWriter(file, ch, b.limit(), b.limit());
        } catch (IOException | RuntimeException e) {
            ch.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Size of the header: a file of this size holds no block. */
    public long headerBytes() {
        return headerBytes;
    }

    /**
     * After a failed {@link #write}: closes the file and cuts it back to its last whole block, or deletes it when
     * it holds none, so a full disk leaves neither empty files nor torn tails. Returns the bytes left on disk.
     */
    public long abandon() throws IOException {
        try {
            ch.close();
        } finally {
            if (size <= headerBytes) {
                Files.deleteIfExists(file);
            } else {
                try (FileChannel t = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    t.truncate(size);
                }
            }
        }
        return size <= headerBytes ? 0 : size;
    }

    static byte[] header() throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("format", "dwcp-history");
        h.put("format_version", HistoryFormat.VERSION);
        h.put("created", Instant.now().toString());
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (var s : HistoryFormat.KINDS) {
            kinds.add(Map.of("model", s.model(), "features", s.features()));
        }
        h.put("kinds", kinds);
        return Json.mapper().writeValueAsBytes(h);
    }

    /** Appends one block of {@code rows} of one kind (a {@link HistoryFormat#KINDS} model name). */
    public void write(String kind, List<HistoryRow> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        int k = HistoryFormat.kindIndex(kind);
        int features = HistoryFormat.KINDS.get(k).size();
        Map<String, Integer> keyIndex = new HashMap<>();
        List<byte[]> keys = new ArrayList<>();
        int keyBytes = 0;
        int[] idx = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            HistoryRow r = rows.get(i);
            if (r.values().length != features) {
                throw new IllegalArgumentException(kind + " row has " + r.values().length + " values, schema has " + features);
            }
            Integer ki = keyIndex.get(r.key());
            if (ki == null) {
                if (keys.size() == HistoryFormat.MAX_KEYS_PER_BLOCK) {
                    throw new IllegalArgumentException("more than " + HistoryFormat.MAX_KEYS_PER_BLOCK + " keys in one block");
                }
                byte[] kb = r.key().getBytes(StandardCharsets.UTF_8);
                if (kb.length > 65_535) {
                    throw new IllegalArgumentException("key longer than 65535 bytes");
                }
                ki = keys.size();
                keyIndex.put(r.key(), ki);
                keys.add(kb);
                keyBytes += 2 + kb.length;
            }
            idx[i] = ki;
        }
        int n = rows.size();
        int payload = 2 + keyBytes + n * 2 + n * 8 + features * n * 4;
        ByteBuffer b = ByteBuffer.allocate(HistoryFormat.BLOCK_HEADER_BYTES + payload);
        b.putInt(HistoryFormat.BLOCK_MAGIC).put((byte) k).putInt(n).putInt(payload).putInt(0);
        b.putShort((short) keys.size());
        for (byte[] kb : keys) {
            b.putShort((short) kb.length).put(kb);
        }
        for (int i : idx) {
            b.putShort((short) i);
        }
        for (HistoryRow r : rows) {
            b.putLong(r.timestampMillis());
        }
        for (int f = 0; f < features; f++) {
            for (HistoryRow r : rows) {
                b.putFloat(r.values()[f]);
            }
        }
        byte[] a = b.array();
        // CRC over kind, rows, length and payload: everything after the magic except the CRC field itself.
        CrcOver c = new CrcOver(a);
        b.putInt(13, c.value());
        b.flip();
        writeFully(ch, b);
        size += a.length;
    }

    private record CrcOver(byte[] a) {
        int value() {
            java.util.zip.CRC32C c = new java.util.zip.CRC32C();
            c.update(a, 4, 9);
            c.update(a, HistoryFormat.BLOCK_HEADER_BYTES, a.length - HistoryFormat.BLOCK_HEADER_BYTES);
            return (int) c.getValue();
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Bytes written so far (header included). */
    public long size() {
        return size;
    }

    public Path file() {
        return file;
    }

    /** Forces written blocks to the device (called on roll and close). */
    public void sync() throws IOException {
        ch.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            sync();
        } finally {
            ch.close();
        }
    }
}

package io.dwcp.models.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.models.data.LinkSeries;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFormatTest {
    @TempDir
    Path dir;

    static List<HistoryRow> links(int from, int n) {
        List<HistoryRow> rows = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String key = i % 2 == 0 ? "a->b" : "a->c";
            rows.add(new HistoryRow(key, 1_700_000_000_000L + i * 1000L,
                    new float[] {100 + i, 5.5f, 0.001f, 0.5f, (i % 24), i % 7}));
        }
        return rows;
    }

    private Path write(String name, List<List<HistoryRow>> blocks) throws Exception {
        Path f = dir.resolve(name);
        try (HistoryWriter w = HistoryWriter.create(f)) {
            for (List<HistoryRow> b : blocks) {
                w.write("bandwidth", b);
            }
            w.write("reliability", List.of(new HistoryRow("node-1", 1L, new float[9])));
        }
        return f;
    }

    @Test
    void roundTrip() throws Exception {
        write("history-1.dwh", List.of(links(0, 50), links(50, 50)));
        HistoryReader.History h = HistoryReader.readDir(dir);
        assertEquals(101, h.stats().rows());
        assertEquals(0, h.stats().blocksSkipped());
        List<HistoryRow> ab = h.kind("bandwidth").get("a->b");
        assertEquals(50, ab.size());
        assertEquals(1_700_000_000_000L + 2000L, ab.get(1).timestampMillis());
        assertArrayEquals(new float[] {102, 5.5f, 0.001f, 0.5f, 2, 2}, ab.get(1).values());
        assertEquals(1, h.kind("reliability").get("node-1").size());
        List<LinkSeries> s = h.linkSeries(10);
        assertEquals(List.of("a->b", "a->c"), s.stream().map(LinkSeries::id).toList());
        assertEquals(2.0, s.get(0).stepSeconds());
        HistoryReader.History links = HistoryReader.readDir(dir, java.util.Set.of("bandwidth"));
        assertEquals(100, links.stats().rows());
        assertTrue(links.kind("reliability").isEmpty());
    }

    @Test
    void tornTailKeepsEarlierBlocksAndSkipsTheRest() throws Exception {
        Path f = write("history-1.dwh", List.of(links(0, 50), links(50, 50)));
        long full = Files.size(f);
        // Power loss in the middle of the last block: cut 20 bytes off.
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(full - 20);
        }
        write("history-2.dwh", List.of(links(100, 10)));
        HistoryReader.History h = HistoryReader.readDir(dir);
        // File 1 keeps both link blocks and loses its torn last block (the node row); file 2 is whole.
        assertEquals(100 + 10 + 1, h.stats().rows());
        assertEquals(1, h.kind("reliability").get("node-1").size());
        assertEquals(1, h.stats().blocksSkipped());
        assertTrue(h.stats().problems().get(0).contains("history-1.dwh"), h.stats().problems().toString());
    }

    @Test
    void flippedByteFailsTheChecksumAndNeverReachesTheRows() throws Exception {
        Path f = write("history-1.dwh", List.of(links(0, 50), links(50, 50)));
        byte[] a = Files.readAllBytes(f);
        a[a.length - 60] ^= 0x40; // inside the last (node) block's payload
        int firstBlockPayloadByte = 8 + 4 + java.nio.ByteBuffer.wrap(a, 8, 4).getInt() + 4 + HistoryFormat.BLOCK_HEADER_BYTES + 40;
        a[firstBlockPayloadByte] ^= 0x01; // and inside the first link block
        Files.write(f, a);
        HistoryReader.History h = HistoryReader.readDir(dir);
        assertEquals(0, h.stats().rows());
        assertEquals(1, h.stats().blocksSkipped());
        assertTrue(h.stats().problems().get(0).contains("checksum"), h.stats().problems().toString());
    }

    @Test
    void fileTornInsideTheHeaderIsSkippedWhole() throws Exception {
        Path f = write("history-1.dwh", List.of(links(0, 5)));
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(30);
        }
        Files.write(dir.resolve("history-0.dwh"), new byte[0]);
        write("history-2.dwh", List.of(links(0, 5)));
        HistoryReader.History h = HistoryReader.readDir(dir);
        assertEquals(2, h.stats().filesSkipped());
        assertEquals(6, h.stats().rows());
    }
}

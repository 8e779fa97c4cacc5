package io.dwcp.jni.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetWeightsTest {
    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws IOException {
        NetWeights w = TestNets.random(NetKind.DEGRADATION, TestNets.defaultDims(NetKind.DEGRADATION), 5, 2);
        Path f = dir.resolve(NetWeights.FILE_NAME);
        w.write(f);
        NetWeights r = NetWeights.read(f);
        assertEquals(w.kind(), r.kind());
        assertEquals(w.model(), r.model());
        assertArrayEquals(w.dims(), r.dims());
        assertEquals(w.tensors().keySet(), r.tensors().keySet());
        for (var t : w.tensors().values()) {
            assertArrayEquals(t.shape(), r.tensor(t.name()).shape());
            assertArrayEquals(t.values(), r.tensor(t.name()).values());
        }
        assertArrayEquals(w.toBytes(), r.toBytes());
    }

    @Test
    void refusesCorruptTruncatedAndForeignFiles() {
        byte[] b = TestNets.random(NetKind.POLICY, TestNets.defaultDims(NetKind.POLICY), 5, 2).toBytes();
        byte[] flipped = b.clone();
        flipped[100] ^= 1;
        IOException e = assertThrows(IOException.class, () -> NetWeights.read(flipped, "w"));
        assertTrue(e.getMessage().startsWith("w: CRC32C mismatch"), e.getMessage());
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 10);
        assertThrows(IOException.class, () -> NetWeights.read(cut, "w"));
        IOException m = assertThrows(IOException.class, () -> NetWeights.read("not a weights file".getBytes(), "w"));
        assertEquals("w: not a DWCP weights file (bad magic)", m.getMessage());
    }

    @Test
    void refusesMissingOrMisshapenParameters() {
        NetWeights w = TestNets.random(NetKind.FORECASTER, new int[] {32}, 5, 0);
        List<NetWeights.Tensor> ts = new ArrayList<>(w.tensors().values());
        ts.removeIf(t -> t.name().equals("d2_b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NetWeights(NetKind.FORECASTER, "bandwidth", new int[] {32}, ts));
        assertEquals("bandwidth (forecaster): no tensor d2_b[4]", e.getMessage());
        ts.add(new NetWeights.Tensor("d2_b", new int[] {5}, new float[5]));
        e = assertThrows(IllegalArgumentException.class, () -> new NetWeights(NetKind.FORECASTER, "bandwidth", new int[] {32}, ts));
        assertEquals("bandwidth (forecaster): tensor d2_b has shape [5], sizes [32] need [4]", e.getMessage());
    }
}

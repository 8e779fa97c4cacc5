package io.dwcp.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlatForestTest {

    @Test
    void writeThenReadGivesTheSameForest() throws IOException {
        // A realistic size: the size check in read() once assumed 32 bytes per node (it is 28) and
        // refused every forest of more than 8 nodes.
        FlatForest f = TestForests.random(new Random(21), 100, 6, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(out);
        assertEquals(4 * 5 + 8 + 4 * (f.nTrees() + 1) + 28 * f.nNodes(), out.size());
        assertEquals(f, FlatForest.read(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        FlatForest f = TestForests.random(new Random(22), 3, 2, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(out);
        byte[] b = Arrays.copyOf(out.toByteArray(), out.size() - 1);
        assertThrows(IOException.class, () -> FlatForest.read(new ByteArrayInputStream(b)));
    }

    @Test
    void scoreOfAPathSum() {
        FlatForest f = TestForests.random(new Random(23), 4, 2, 3);
        assertEquals(Math.pow(2.0, -(10.0 / 4) / f.normalizer()), f.score(10.0));
    }
}

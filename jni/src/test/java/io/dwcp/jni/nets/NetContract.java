package io.dwcp.jni.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dwcp.jni.Implementation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every network implementation must do; subclassed per implementation. */
abstract class NetContract {
    abstract Implementation impl();

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void reproducesTheJavaReferenceAndItsGoldenPairs(NetKind k) {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 7, 5);
        try (Net net = Nets.load(w, impl())) {
            assertEquals(impl(), net.implementation());
            assertTrue(Nets.goldenMaxDiff(net) <= 1e-5, "golden diff " + Nets.goldenMaxDiff(net));
            int batch = 77; // three tiles of 32, the last partial
            float[] x = TestNets.randomInput(k, w.dims(), batch, 99);
            float[][] got = outputs(net, batch), want = outputs(net, batch);
            net.forward(x, batch, got);
            try (Net ref = Nets.create(w, Implementation.JAVA)) {
                ref.forward(x, batch, want);
            }
            for (int i = 0; i < got.length; i++) {
                double d = Nets.maxAbsDiff(got[i], want[i]);
                assertTrue(d <= 1e-5, k + " output " + k.outputs().get(i) + " differs from Java by " + d);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void eachRowIsIndependentOfTheBatch(NetKind k) {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 3, 0);
        try (Net net = Nets.create(w, impl())) {
            int batch = 40;
            float[] x = TestNets.randomInput(k, w.dims(), batch, 5);
            float[] all = new float[batch * net.outputSize(0)];
            net.forward(x, batch, all);
            float[] one = new float[net.outputSize(0)];
            float[] row = new float[net.inputSize()];
            for (int r = 0; r < batch; r += 13) {
                System.arraycopy(x, r * net.inputSize(), row, 0, row.length);
                net.forward(row, 1, one);
                float[] slice = java.util.Arrays.copyOfRange(all, r * one.length, (r + 1) * one.length);
                assertArrayEquals(slice, one, 1e-6f, "row " + r);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void refusesWrongGoldenOutputsNamingTheModel(NetKind k) throws Exception {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 11, 3);
        List<NetWeights.Tensor> ts = new ArrayList<>(w.tensors().values());
        String out0 = NetKind.GOLDEN + k.outputs().get(0);
        for (int i = 0; i < ts.size(); i++) {
            if (ts.get(i).name().equals(out0)) {
                float[] v = ts.get(i).values().clone();
                v[v.length - 1] += 1e-3f * Math.max(1f, Math.abs(v[v.length - 1]));
                ts.set(i, new NetWeights.Tensor(out0, ts.get(i).shape(), v));
            }
        }
        NetWeights bad = new NetWeights(k, "bandwidth", w.dims(), ts);
        NetVerificationException e = assertThrows(NetVerificationException.class, () -> Nets.load(bad, impl()));
        assertEquals("bandwidth", e.model());
        assertTrue(e.getMessage().startsWith("bandwidth (" + k.id() + ") refused on " + impl().id()), e.getMessage());
        NetWeights none = TestNets.random(k, TestNets.defaultDims(k), 11, 0);
        assertThrows(NetVerificationException.class, () -> Nets.load(none, impl()));
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void refusesNonFiniteInputsAndShortArraysAndUseAfterClose(NetKind k) {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 1, 0);
        Net net = Nets.create(w, impl());
        float[] x = TestNets.randomInput(k, w.dims(), 4, 2);
        x[2 * net.inputSize() + 3] = Float.NaN;
        float[] y = new float[4 * net.outputSize(0)];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, 4, y));
        assertEquals("sample row 2, input index 3 is not finite", e.getMessage());
        x[2 * net.inputSize() + 3] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 4, y));
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 5, new float[5 * net.outputSize(0)]));
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 1, new float[net.outputSize(0) - 1]));
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 1, (float[]) null));
        net.forward(x, 0, y);
        net.close();
        net.close();
        IllegalStateException c = assertThrows(IllegalStateException.class, () -> net.forward(x, 1, y));
        assertTrue(c.getMessage().endsWith("is closed"), c.getMessage());
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void concurrentCallsGiveTheSameAnswers(NetKind k) throws Exception {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 21, 0);
        try (Net net = Nets.create(w, impl())) {
            int batch = 33;
            float[] x = TestNets.randomInput(k, w.dims(), batch, 8);
            float[] want = new float[batch * net.outputSize(0)];
            net.forward(x, batch, want);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> fs = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    fs.add(pool.submit(() -> {
                        float[] y = new float[want.length];
                        net.forward(x, batch, y);
                        return y;
                    }));
                }
                for (Future<float[]> f : fs) {
                    assertArrayEquals(want, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void buffersGiveTheArrayAnswersFromTheirPositions(NetKind k) {
        NetWeights w = TestNets.random(k, TestNets.defaultDims(k), 13, 0);
        try (Net net = Nets.create(w, impl())) {
            int batch = 37, n = net.outputs().size();
            float[] x = TestNets.randomInput(k, w.dims(), batch, 4);
            float[][] want = outputs(net, batch);
            net.forward(x, batch, want);
            for (boolean direct : new boolean[] {true, false}) {
                FloatBuffer xb = buffer(direct, 3 + x.length);
                xb.position(3);
                xb.put(x).position(3);
                FloatBuffer[] ob = new FloatBuffer[n];
                for (int i = 0; i < n; i++) {
                    ob[i] = buffer(direct, 5 + want[i].length);
                    ob[i].position(5);
                }
                net.forward(xb, batch, ob);
                assertEquals(3, xb.position());
                for (int i = 0; i < n; i++) {
                    assertEquals(5, ob[i].position());
                    float[] got = new float[want[i].length];
                    ob[i].get(5, got);
                    assertArrayEquals(want[i], got, (direct ? "direct " : "heap ") + k.outputs().get(i));
                }
            }
            FloatBuffer ro = buffer(true, batch * net.outputSize(0)).asReadOnlyBuffer();
            assertThrows(IllegalArgumentException.class, () -> net.forward(FloatBuffer.wrap(x), batch, ro));
            FloatBuffer only0 = buffer(true, batch * net.outputSize(0));
            net.forward(buffer(true, x.length).put(x).flip(), batch, only0);
            float[] got0 = new float[want[0].length];
            only0.get(0, got0);
            assertArrayEquals(want[0], got0);
        }
    }

    private static FloatBuffer buffer(boolean direct, int n) {
        return direct ? ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer() : FloatBuffer.allocate(n);
    }

    private static float[][] outputs(Net net, int batch) {
        float[][] o = new float[net.outputs().size()][];
        for (int i = 0; i < o.length; i++) {
            o[i] = new float[batch * net.outputSize(i)];
        }
        return o;
    }
}

package io.dwcp.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.NativeNets;
import io.dwcp.jni.nets.Net;
import io.dwcp.jni.nets.NetKind;
import io.dwcp.jni.nets.NetWeights;
import io.dwcp.jni.nets.Nets;
import io.dwcp.models.serving.ModelArtifact;
import io.dwcp.models.serving.TfModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed weights files against the committed SavedModels (issue 16): each network, in C and in
 * pure Java, gives TensorFlow's outputs on fresh realistic inputs (seeds the golden pairs did not use)
 * within {@link Nets#TOLERANCE}; and each file is what export-weights writes today from its SavedModel.
 */
class NetsAgainstTensorFlowTest {
    static final int BATCH = 200;

    @ParameterizedTest
    @ValueSource(strings = {"bandwidth", "compression", "latency", "degradation"})
    void javaNetworkMatchesTensorFlow(String model) throws Exception {
        compare(model, Implementation.JAVA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bandwidth", "compression", "latency", "degradation"})
    void cNetworkMatchesTensorFlow(String model) throws Exception {
        assumeTrue(NativeNets.isAvailable(), () -> "libdwcp_nets.so unavailable: " + NativeNets.unavailabilityCause());
        compare(model, Implementation.C);
    }

    private static void compare(String model, Implementation impl) throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault(model);
        NetWeights w = NetWeights.read(a.dir().resolve(NetWeights.FILE_NAME));
        assertEquals(model, w.model());
        NetKind k = w.kind();
        int[] in = k.inputShape(w.dims());
        float[] x = NetInputs.realistic(k, in, BATCH, new Random(1000 + model.hashCode()));
        long[] shape = new long[in.length + 1];
        shape[0] = BATCH;
        for (int i = 0; i < in.length; i++) shape[i + 1] = in[i];
        List<float[]> want;
        try (TfModel tf = new TfModel(a.modelPath())) {
            want = tf.run(List.of(new TfModel.Input(NetKind.INPUT, x, shape)), k.outputs());
        }
        try (Net net = Nets.load(w, impl)) {
            float[][] got = new float[k.outputs().size()][];
            for (int i = 0; i < got.length; i++) got[i] = new float[BATCH * net.outputSize(i)];
            net.forward(x, BATCH, got);
            for (int i = 0; i < got.length; i++) {
                double abs = Nets.maxAbsDiff(want.get(i), got[i]), scaled = Nets.scaledDiff(want.get(i), got[i]);
                System.out.printf("issue16 tf-vs-%s %s %s: max |diff| %.3g, scaled %.3g (batch %d)%n", impl.id(), model,
                        k.outputs().get(i), abs, scaled, BATCH);
                assertTrue(scaled <= Nets.TOLERANCE, model + " " + k.outputs().get(i) + " on " + impl.id()
                        + " differs from TensorFlow by " + abs + " (scaled " + scaled + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bandwidth", "compression", "latency", "degradation"})
    void committedFileIsWhatExportWritesToday(String model) throws Exception {
        ModelArtifact a = ModelArtifact.loadDefault(model);
        NetWeights committed = NetWeights.read(a.dir().resolve(NetWeights.FILE_NAME));
        NetWeights now = NetWeightsExport.fromArtifact(a.dir());
        assertEquals(committed.tensors().keySet(), now.tensors().keySet());
        assertArrayEquals(committed.dims(), now.dims());
        for (NetWeights.Tensor t : now.tensors().values()) {
            if (t.name().startsWith(NetKind.GOLDEN) && !t.name().equals(NetKind.GOLDEN + NetKind.INPUT)) {
                // TF's own outputs may move by an ulp between runs on another CPU; the inputs and weights may not
                assertTrue(Nets.scaledDiff(t.values(), committed.tensor(t.name()).values()) <= 1e-5, t.name());
            } else {
                assertArrayEquals(t.values(), committed.tensor(t.name()).values(), t.name());
            }
        }
    }

    @Test
    void reliabilityIsNotANetwork() throws Exception {
        assertEquals(null, NetWeightsExport.kindOf("reliability"));
        assertEquals(null, NetWeightsExport.export(ModelArtifact.loadDefault("reliability").dir()));
    }

    @ParameterizedTest
    @EnumSource(NetKind.class)
    void everyKindHasATrainedDefault(NetKind k) {
        List<String> models = new ArrayList<>();
        for (String m : List.of("bandwidth", "compression", "latency", "degradation")) {
            if (NetWeightsExport.kindOf(m) == k) models.add(m);
        }
        assertEquals(1, models.size(), k.id());
    }
}

package io.dwcp.models.serving;

import io.dwcp.jni.Implementation;
import io.dwcp.jni.nets.Net;
import io.dwcp.models.features.Schemas;
import io.dwcp.models.nets.ForecasterNet;
import java.io.IOException;

/**
 * The bandwidth forecaster without TensorFlow (issue 16): the network from the artifact's weights file
 * ({@code weights.dwcpnet}, models/WEIGHTS.md) on our C kernels (AVX-512/AVX2/scalar, chosen at run time) or
 * their pure-Java twin, between the same input and output transforms as {@link BandwidthForecaster}
 * ({@link ForecasterCodec}). The network is checked against the file's golden pairs when it loads; one that
 * differs is refused ({@code io.dwcp.jni.nets.NetVerificationException} naming it). Touches no TensorFlow class.
 *
 * <p>Thread-safe; batch-first; close it.
 */
public final class NativeBandwidthForecaster implements AutoCloseable {
    private final ModelMetadata metadata;
    private final ForecasterCodec codec;
    private final Net net;

    /** On the best implementation available (C, else Java). */
    public NativeBandwidthForecaster(ModelArtifact artifact) throws IOException {
        this(artifact, null);
    }

    /** On exactly {@code impl} (null: the best available). */
    public NativeBandwidthForecaster(ModelArtifact artifact, Implementation impl) throws IOException {
        this.metadata = artifact.metadata();
        if (!metadata.name().equals(Schemas.BANDWIDTH.model())) {
            throw new IllegalArgumentException("not a bandwidth model: " + metadata.name());
        }
        this.codec = new ForecasterCodec(metadata);
        this.net = NativeNetFiles.load(artifact, impl);
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Which kernel runs the network: {@code c} or {@code java}. */
    public String engine() {
        return "native-" + net.implementation().id();
    }

    /** As {@link BandwidthForecaster#predict(float[][][])}. */
    public float[][] predict(float[][][] windows) {
        return predictWithStep(windows, ForecasterCodec.stepsFromTimeOfDay(windows));
    }

    /** As {@link BandwidthForecaster#predictWithStep}. */
    public float[][] predictWithStep(float[][][] windows, double[] stepSeconds) {
        float[] x = codec.encode(windows, stepSeconds);
        float[] y = new float[windows.length * ForecasterNet.TARGETS];
        net.forward(x, windows.length, y);
        return codec.decode(windows, y);
    }

    @Override
    public void close() {
        net.close();
    }
}

package io.dwcp.models.compression;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import io.dwcp.models.features.Schemas.Codec;
import net.jpountz.lz4.LZ4Factory;

import java.io.IOException;
import java.util.Arrays;

/**
 * The real codecs behind the DWCP v3 choices, from Maven Central libraries: lz4-java (LZ4 fast),
 * zstd-jni (ZSTD level {@value #ZSTD_LEVEL}, ZSTD_MAX level {@value #ZSTD_MAX_LEVEL}) and brotli4j
 * (quality {@value #BROTLI_QUALITY}). Thread-safe.
 */
public final class Codecs {
    private Codecs() {}

    public static final int ZSTD_LEVEL = 3, ZSTD_MAX_LEVEL = 19, BROTLI_QUALITY = 6;

    /** The level each choice is run at (0 where the codec has none). */
    public static int level(Codec c) {
        return switch (c) {
            case NONE, LZ4 -> 0;
            case ZSTD -> ZSTD_LEVEL;
            case ZSTD_MAX -> ZSTD_MAX_LEVEL;
            case BROTLI -> BROTLI_QUALITY;
        };
    }

    public static byte[] compress(Codec c, byte[] in) throws IOException {
        return switch (c) {
            case NONE -> in.clone();
            case LZ4 -> LZ4Factory.fastestInstance().fastCompressor().compress(in);
            case ZSTD -> Zstd.compress(in, ZSTD_LEVEL);
            case ZSTD_MAX -> Zstd.compress(in, ZSTD_MAX_LEVEL);
            case BROTLI -> {
                Brotli4jLoader.ensureAvailability();
                yield Encoder.compress(in, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
            }
        };
    }

    public static byte[] decompress(Codec c, byte[] in, int originalSize) throws IOException {
        byte[] out = switch (c) {
            case NONE -> in.clone();
            case LZ4 -> LZ4Factory.fastestInstance().fastDecompressor().decompress(in, originalSize);
            case ZSTD, ZSTD_MAX -> Zstd.decompress(in, originalSize);
            case BROTLI -> {
                Brotli4jLoader.ensureAvailability();
                yield Decoder.decompress(in).getDecompressedData();
            }
        };
        if (out.length != originalSize) throw new IOException(c + " round trip lost bytes");
        return out;
    }

    /** Round-trips {@code data} and checks equality (used by the benchmark before timing). */
    public static void verify(Codec c, byte[] data) throws IOException {
        byte[] back = decompress(c, compress(c, data), data.length);
        if (!Arrays.equals(back, data)) throw new IOException(c + " round trip changed the data");
    }
}

package io.dwcp.jni.nets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One network's weights file ({@code weights.dwcpnet}, models/WEIGHTS.md): kind, model name, sizes,
 * float32 tensors by name (the trained parameters and the golden input/output pairs) and a CRC32C of
 * everything before it. Reading needs no TensorFlow. Immutable once built; the arrays handed out by
 * {@link #tensor} are the stored ones, not copies: do not modify them.
 *
 * <pre>
 * "DWCPNETW"  magic, 8 bytes                 all integers little-endian
 * u32         format version (1)
 * str         kind (forecaster|policy|autoencoder|degradation)   str = u16 byte length + UTF-8
 * str         model name (e.g. bandwidth)
 * u8 n, i32[n] dims (NetKind.dimNames order)
 * u32         tensor count, then per tensor:
 *   str name; u8 dtype (1 = float32); u8 rank; u32[rank] shape; f32[prod(shape)] values
 * u32         CRC32C (Castagnoli) of every byte above
 * </pre>
 */
public final class NetWeights {
    public static final String FILE_NAME = "weights.dwcpnet";
    static final byte[] MAGIC = "DWCPNETW".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int DTYPE_FLOAT32 = 1;
    /** Larger files are refused (the default networks are below 150 kB). */
    public static final int MAX_BYTES = 64 << 20;

    /** A named float32 tensor. */
    public record Tensor(String name, int[] shape, float[] values) {
        public Tensor {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor " + name + " has negative dimension " + Arrays.toString(shape));
                }
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor " + name + " shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + values.length);
            }
        }
    }

    private final NetKind kind;
    private final String model;
    private final int[] dims;
    private final Map<String, Tensor> tensors;

    public NetWeights(NetKind kind, String model, int[] dims, List<Tensor> tensors) {
        kind.checkDims(dims);
        this.kind = kind;
        this.model = model;
        this.dims = dims.clone();
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (m.put(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor " + t.name());
            }
        }
        this.tensors = Collections.unmodifiableMap(m);
        for (NetKind.Param p : kind.params(dims)) {
            Tensor t = m.get(p.name());
            if (t == null) {
                throw new IllegalArgumentException(describe() + ": no tensor " + p);
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new IllegalArgumentException(describe() + ": tensor " + p.name() + " has shape "
                        + Arrays.toString(t.shape()) + ", sizes " + Arrays.toString(dims) + " need " + Arrays.toString(p.shape()));
            }
        }
    }

    public NetKind kind() {
        return kind;
    }

    public String model() {
        return model;
    }

    public int[] dims() {
        return dims.clone();
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** @throws IllegalArgumentException when absent */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(describe() + ": no tensor " + name);
        }
        return t;
    }

    /** Parameters concatenated in kernel order (native/include/dwcp_nets.h). */
    public float[] packedParams() {
        List<NetKind.Param> ps = kind.params(dims);
        int n = 0;
        for (NetKind.Param p : ps) {
            n += p.size();
        }
        float[] out = new float[n];
        int o = 0;
        for (NetKind.Param p : ps) {
            float[] v = tensors.get(p.name()).values();
            System.arraycopy(v, 0, out, o, v.length);
            o += v.length;
        }
        return out;
    }

    /** Rows of golden pairs (0 when the file carries none). */
    public int goldenRows() {
        Tensor x = tensors.get(NetKind.GOLDEN + NetKind.INPUT);
        return x == null ? 0 : x.shape()[0];
    }

    /** "model (kind)", as error messages name a network. */
    public String describe() {
        return model + " (" + kind.id() + ")";
    }

    // ---- reading ---------------------------------------------------------------------------------------

    public static NetWeights read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + ": " + size + " bytes, more than the " + MAX_BYTES + " a weights file may have");
        }
        return read(Files.readAllBytes(file), file.toString());
    }

    public static NetWeights read(InputStream in, String source) throws IOException {
        byte[] b = in.readNBytes(MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
            throw new IOException(source + ": more than the " + MAX_BYTES + " bytes a weights file may have");
        }
        return read(b, source);
    }

    /** @throws IOException naming {@code source} and what is wrong (magic, version, checksum, truncation, shapes) */
    public static NetWeights read(byte[] b, String source) throws IOException {
        try {
            if (b.length < MAGIC.length + 8 || !Arrays.equals(Arrays.copyOf(b, MAGIC.length), MAGIC)) {
                throw new IOException(source + ": not a DWCP weights file (bad magic)");
            }
            ByteBuffer bb = ByteBuffer.wrap(b, 0, b.length - 4).order(ByteOrder.LITTLE_ENDIAN);
            CRC32C crc = new CRC32C();
            crc.update(b, 0, b.length - 4);
            int stored = ByteBuffer.wrap(b, b.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if ((int) crc.getValue() != stored) {
                throw new IOException(source + ": CRC32C mismatch (stored " + Integer.toHexString(stored) + ", computed "
                        + Long.toHexString(crc.getValue()) + "): the file is corrupt");
            }
            bb.position(MAGIC.length);
            int version = bb.getInt();
            if (version != VERSION) {
                throw new IOException(source + ": weights format version " + version + ", this reader knows " + VERSION);
            }
            NetKind kind = NetKind.parse(str(bb));
            String model = str(bb);
            int[] dims = new int[Byte.toUnsignedInt(bb.get())];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = bb.getInt();
            }
            long count = Integer.toUnsignedLong(bb.getInt());
            List<Tensor> ts = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                String name = str(bb);
                int dtype = Byte.toUnsignedInt(bb.get());
                if (dtype != DTYPE_FLOAT32) {
                    throw new IOException(source + ": tensor " + name + " has dtype " + dtype + ", only 1 (float32) is known");
                }
                int[] shape = new int[Byte.toUnsignedInt(bb.get())];
                long n = 1;
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = bb.getInt();
                    if (shape[k] < 0) {
                        throw new IOException(source + ": tensor " + name + " has a dimension over 2^31");
                    }
                    n *= shape[k];
                }
                if (n * 4 > bb.remaining()) {
                    throw new IOException(source + ": tensor " + name + " " + Arrays.toString(shape) + " runs past the end");
                }
                float[] v = new float[(int) n];
                bb.asFloatBuffer().get(v);
                bb.position(bb.position() + 4 * (int) n);
                ts.add(new Tensor(name, shape, v));
            }
            if (bb.hasRemaining()) {
                throw new IOException(source + ": " + bb.remaining() + " unexpected bytes after the last tensor");
            }
            return new NetWeights(kind, model, dims, ts);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException(source + ": truncated weights file", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static String str(ByteBuffer bb) {
        int n = Short.toUnsignedInt(bb.getShort());
        byte[] s = new byte[n];
        bb.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    // ---- writing ---------------------------------------------------------------------------------------

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer hdr = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        out.writeBytes(MAGIC);
        out.writeBytes(hdr.putInt(0, VERSION).array().clone());
        putStr(out, kind.id());
        putStr(out, model);
        out.write(dims.length);
        for (int d : dims) {
            out.writeBytes(hdr.putInt(0, d).array().clone());
        }
        out.writeBytes(hdr.putInt(0, tensors.size()).array().clone());
        for (Tensor t : tensors.values()) {
            putStr(out, t.name());
            out.write(DTYPE_FLOAT32);
            out.write(t.shape().length);
            for (int d : t.shape()) {
                out.writeBytes(hdr.putInt(0, d).array().clone());
            }
            ByteBuffer v = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
            v.asFloatBuffer().put(t.values());
            out.writeBytes(v.array());
        }
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body);
        out.writeBytes(hdr.putInt(0, (int) crc.getValue()).array().clone());
        return out.toByteArray();
    }

    public void write(OutputStream out) throws IOException {
        out.write(toBytes());
    }

    /** Writes to {@code file} via a temporary sibling and a rename, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, toBytes());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void putStr(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("name longer than 65535 bytes");
        }
        out.write(b.length & 0xFF);
        out.write(b.length >>> 8);
        out.writeBytes(b);
    }
}

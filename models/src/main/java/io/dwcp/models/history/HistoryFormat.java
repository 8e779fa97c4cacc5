package io.dwcp.models.history;

import io.dwcp.models.features.FeatureSchema;
import io.dwcp.models.features.Schemas;

import java.util.List;
import java.util.zip.CRC32C;

/**
 * Constants of the history file format ({@code models/HISTORY.md} is the full description). A file is a
 * header followed by self-checking blocks:
 *
 * <pre>
 * file   = magic "DWCPHST1" (8 bytes) | u32 headerLength | header JSON (UTF-8) | u32 CRC32C(header JSON) | block*
 * block  = u32 0x424C4B31 ("BLK1") | u8 kind | u32 rows | u32 payloadLength | u32 CRC32C(kind..payload) | payload
 * payload (columnar) = u16 keys | keys × (u16 length, UTF-8) | rows × u16 key index | rows × i64 epoch ms
 *                      | features × rows × f32   (column after column, in the header's feature order)
 * </pre>
 * All integers big-endian. {@code kind} indexes the header's {@code kinds} list, whose entries carry the
 * feature names of {@link Schemas} at write time, so a reader can refuse a file written for another schema.
 * A block is written in one piece; one whose checksum or framing does not hold (power loss mid-write) ends
 * the file for readers: the blocks before it are kept, the rest is skipped and counted.
 */
public final class HistoryFormat {
    private HistoryFormat() {}

    public static final byte[] MAGIC = {'D', 'W', 'C', 'P', 'H', 'S', 'T', '1'};
    public static final int VERSION = 1;
    public static final int BLOCK_MAGIC = 0x424C4B31;
    /** Block framing before the payload: magic, kind, rows, payload length, CRC. */
    public static final int BLOCK_HEADER_BYTES = 4 + 1 + 4 + 4 + 4;
    /** File name suffix; the agent names files {@code history-<UTC start>-<seq>.dwh}. */
    public static final String SUFFIX = ".dwh";
    /** Refuse absurd lengths read from a damaged file before allocating. */
    static final int MAX_HEADER_BYTES = 1 << 20;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;
    public static final int MAX_KEYS_PER_BLOCK = 65_535;

    /** What is recorded, one kind per model input; the index is the block's kind byte. */
    public static final List<FeatureSchema> KINDS = Schemas.all();

    public static int kindIndex(String model) {
        for (int i = 0; i < KINDS.size(); i++) {
            if (KINDS.get(i).model().equals(model)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown history kind '" + model + "'");
    }

    static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }
}

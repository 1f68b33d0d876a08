package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * NVMe/TCP header and data digests: CRC-32C (Castagnoli), as {@link CRC32C} computes it, placed on the wire
 * little-endian (NVMe/TCP 1.0 section 3.3.3).
 */
public final class Crc32c {
    private Crc32c() {}

    /** @return CRC-32C of {@code len} bytes of {@code buf} starting at absolute index {@code off}. */
    public static int of(ByteBuffer buf, int off, int len) {
        CRC32C c = new CRC32C();
        ByteBuffer d = buf.duplicate();
        d.limit(off + len).position(off);
        c.update(d);
        return (int) c.getValue();
    }

    /** @return CRC-32C of the remaining bytes of {@code buf} (position unchanged). */
    public static int of(ByteBuffer buf) {
        return of(buf, buf.position(), buf.remaining());
    }
}

package io.nvmegate.launcher.conformance;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little-endian field reads from Identify / log page data. */
final class Le {
    private Le() {}

    static int u8(byte[] b, int off) { return b[off] & 0xFF; }
    static int u16(byte[] b, int off) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(off) & 0xFFFF; }
    static int u32(byte[] b, int off) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off); }
    static long u64(byte[] b, int off) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off); }
    static String ascii(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.US_ASCII).trim(); }

    static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }
}

package io.nvmegate.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Little-endian field access and ASCII field handling for parsing controller data structures. */
final class Bytes {
    private Bytes() {}

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int u8(byte[] b, int off) { return b[off] & 0xFF; }

    static int u16(byte[] b, int off) { return le(b).getShort(off) & 0xFFFF; }

    static int u32(byte[] b, int off) { return le(b).getInt(off); }

    static long u64(byte[] b, int off) { return le(b).getLong(off); }

    /** ASCII field with trailing (and leading) NUL/space padding removed; stops at the first NUL. */
    static String ascii(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        String s = new String(b, off, end - off, StandardCharsets.US_ASCII);
        return s.strip();
    }

    static byte[] slice(byte[] b, int off, int len) {
        byte[] r = new byte[len];
        System.arraycopy(b, off, r, 0, len);
        return r;
    }

    /** Writes {@code s} as ASCII into {@code len} bytes at {@code off}, NUL padded. */
    static void putAscii(ByteBuffer b, int off, int len, String s) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        if (a.length > len) throw new IllegalArgumentException("'" + s + "' longer than " + len + " bytes");
        for (int i = 0; i < len; i++) b.put(off + i, i < a.length ? a[i] : 0);
    }

    static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }
}

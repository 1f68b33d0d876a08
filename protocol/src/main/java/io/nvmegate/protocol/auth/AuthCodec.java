package io.nvmegate.protocol.auth;

import java.util.Arrays;

/** Little-endian field access shared by the message codecs; every read is bounds-checked by {@link Reader#need}. */
final class AuthCodec {
    /** Length of the common header (AUTH_Type, AUTH_Id, reserved, T_ID). */
    static final int HEADER = 6;

    private AuthCodec() {}

    /** A message being built: zero-filled, little-endian. */
    static final class Writer {
        final byte[] b;

        Writer(int length, int type, int id, int tid) {
            b = new byte[length];
            b[0] = (byte) type;
            b[1] = (byte) id;
            u16(4, tid);
        }

        Writer u8(int off, int v) { b[off] = (byte) v; return this; }

        Writer u16(int off, int v) { b[off] = (byte) v; b[off + 1] = (byte) (v >>> 8); return this; }

        Writer u32(int off, int v) { u16(off, v); u16(off + 2, v >>> 16); return this; }

        Writer bytes(int off, byte[] v) { System.arraycopy(v, 0, b, off, v.length); return this; }
    }

    /** A received message. */
    static final class Reader {
        final byte[] b;

        Reader(byte[] b) {
            this.b = b == null ? new byte[0] : b;
        }

        /** @throws DhchapException INCORRECT_PAYLOAD when fewer than {@code n} bytes */
        void need(int n, String what) throws DhchapException {
            if (n < 0 || b.length < n) {
                throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD,
                        what + " needs " + n + " bytes, message has " + b.length);
            }
        }

        int u8(int off) { return b[off] & 0xFF; }

        int u16(int off) { return u8(off) | u8(off + 1) << 8; }

        int u32(int off) { return u16(off) | u16(off + 2) << 16; }

        int tid() { return u16(4); }

        byte[] bytes(int off, int len) { return Arrays.copyOfRange(b, off, off + len); }

        /** @throws DhchapException INCORRECT_PAYLOAD when a byte in [from, to) is not zero */
        void zero(int from, int to, String what) throws DhchapException {
            for (int i = from; i < Math.min(to, b.length); i++) {
                if (b[i] != 0) {
                    throw new DhchapException(DhchapFailureReason.INCORRECT_PAYLOAD, what + " at byte " + i + " is not zero");
                }
            }
        }

        /** The bytes after the message (padding to AL) must be zero. */
        void padding(int end) throws DhchapException {
            zero(end, b.length, "padding");
        }
    }
}

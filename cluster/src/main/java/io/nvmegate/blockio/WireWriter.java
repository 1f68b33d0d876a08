package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;

/**
 * Writes a wire form into a {@link Buffer} at explicit offsets, after growing the buffer once to its final length.
 * A clustered event-bus message starts as a 1 KiB buffer; appending a 64 KiB reply batch to it grew (reallocated
 * and copied) the buffer six times per message: 16-32 % of a block worker's CPU samples in
 * {@code AbstractByteBuf.ensureWritable} under 4 KiB random reads (JFR, issue 17). Big-endian, like the appends it
 * replaces.
 */
final class WireWriter {
    private final Buffer b;
    private int p;

    private WireWriter(Buffer b, int p) {
        this.b = b;
        this.p = p;
    }

    /**
     * @param bytes the exact length of what will be written (the caller's {@code encodedLength})
     * @return a writer at the buffer's current end, the buffer extended (zeroed) by {@code bytes}
     */
    static WireWriter reserve(Buffer b, int bytes) {
        int start = b.length();
        if (bytes > 0) b.setByte(start + bytes - 1, (byte) 0); // one growth to the final length
        return new WireWriter(b, start);
    }

    WireWriter i8(int v) { b.setByte(p, (byte) v); p += 1; return this; }

    WireWriter u16(int v) { b.setUnsignedShort(p, v); p += 2; return this; }

    WireWriter i32(int v) { b.setInt(p, v); p += 4; return this; }

    WireWriter i64(long v) { b.setLong(p, v); p += 8; return this; }

    WireWriter bytes(byte[] v) { b.setBytes(p, v); p += v.length; return this; }

    WireWriter buffer(Buffer v) { b.setBuffer(p, v); p += v.length(); return this; }

    /** @return the offset the next field goes to */
    int position() { return p; }
}

package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 64-byte submission queue entry (NVMe Base 2.0 Figure 88), little-endian, backed by a {@link ByteBuffer}.
 *
 * <pre>
 * @0  OPC u8        @1  FUSE bits 1:0, PSDT bits 7:6 (10b... 01b = SGL)   @2 CID le16
 * @4  NSID le32     (Fabrics commands: FCTYPE u8 @4)
 * @16 MPTR le64     @24 SGL1: address le64 @24, length le32 @32, SGL identifier u8 @39 (type&lt;&lt;4 | subtype)
 * @40 CDW10 .. @60 CDW15 (le32 each)
 * </pre>
 */
public final class Sqe {
    public static final int SIZE = 64;
    /** SGL identifier 0x01: Data Block descriptor, subtype Offset (in-capsule data, NVMe-oF 1.1 section 2.3). */
    public static final int SGL_DATA_BLOCK_OFFSET = 0x01;
    /** SGL identifier 0x5A: Transport SGL Data Block, subtype transport specific (data via R2T/C2HData). */
    public static final int SGL_TRANSPORT_DATA_BLOCK = 0x5A;
    /** PSDT 01b in byte 1 bits 7:6: SGLs for this command (the only mode fabrics allows). */
    public static final int PSDT_SGL = 0x40;

    private final ByteBuffer b;

    /** Wraps 64 bytes starting at the buffer's position (the buffer is sliced, not copied). */
    public Sqe(ByteBuffer src) {
        this.b = src.slice(src.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return a new zeroed SQE with PSDT set to SGL. */
    public static Sqe allocate() {
        Sqe s = new Sqe(ByteBuffer.allocate(SIZE));
        s.b.put(1, (byte) PSDT_SGL);
        return s;
    }

    public ByteBuffer buffer() { return b.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN); }

    public int opcode() { return b.get(0) & 0xFF; }
    public Sqe opcode(int v) { b.put(0, (byte) v); return this; }
    public int fuse() { return b.get(1) & 0x3; }
    /** Sets FUSE (byte 1 bits 1:0), keeping PSDT. */
    public Sqe fuse(int v) { b.put(1, (byte) ((b.get(1) & ~3) | (v & 3))); return this; }
    public int psdt() { return (b.get(1) >> 6) & 0x3; }
    public int cid() { return b.getShort(2) & 0xFFFF; }
    public Sqe cid(int v) { b.putShort(2, (short) v); return this; }
    public int nsid() { return b.getInt(4); }
    public Sqe nsid(int v) { b.putInt(4, v); return this; }
    /** Fabrics command type, byte 4 of a Fabrics (0x7F) command. */
    public int fctype() { return b.get(4) & 0xFF; }
    public Sqe fctype(int v) { b.put(4, (byte) v); return this; }
    public long sglAddress() { return b.getLong(24); }
    public Sqe sglAddress(long v) { b.putLong(24, v); return this; }
    /** SGL1 length in bytes. */
    public int sglLength() { return b.getInt(32); }
    public Sqe sglLength(int v) { b.putInt(32, v); return this; }
    public int sglId() { return b.get(39) & 0xFF; }
    public Sqe sglId(int v) { b.put(39, (byte) v); return this; }
    /** @param n 10..15 */
    public int cdw(int n) { return b.getInt(40 + (n - 10) * 4); }
    public Sqe cdw(int n, int v) { b.putInt(40 + (n - 10) * 4, v); return this; }
    public int u8(int off) { return b.get(off) & 0xFF; }
    public Sqe u8(int off, int v) { b.put(off, (byte) v); return this; }
    public int u16(int off) { return b.getShort(off) & 0xFFFF; }
    public Sqe u16(int off, int v) { b.putShort(off, (short) v); return this; }
    public int u32(int off) { return b.getInt(off); }
    public Sqe u32(int off, int v) { b.putInt(off, v); return this; }
    public long u64(int off) { return b.getLong(off); }
    public Sqe u64(int off, long v) { b.putLong(off, v); return this; }

    /** Starting LBA of an NVM I/O command: CDW10 (low) and CDW11 (high). */
    public long slba() { return b.getLong(40); }
    public Sqe slba(long v) { b.putLong(40, v); return this; }
    /** Number of logical blocks of an NVM I/O command, 1-based (CDW12 bits 15:0 are 0's based). */
    public int nlb() { return (b.getShort(48) & 0xFFFF) + 1; }
    public Sqe nlb(int blocks) { b.putShort(48, (short) (blocks - 1)); return this; }
    /** Force Unit Access: CDW12 bit 30. */
    public boolean fua() { return (cdw(12) & (1 << 30)) != 0; }

    @Override
    public String toString() {
        return String.format("SQE[opc=0x%02x cid=%d nsid=%d sgl=0x%02x len=%d]", opcode(), cid(), nsid(), sglId(), sglLength());
    }
}

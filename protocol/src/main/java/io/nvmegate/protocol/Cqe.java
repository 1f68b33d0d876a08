package io.nvmegate.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 16-byte completion queue entry (NVMe Base 2.0 Figure 92):
 * {@code DW0 le32 @0, DW1 le32 @4, SQHD le16 @8, SQID le16 @10, CID le16 @12, status le16 @14 (SF<<1 | P)}.
 */
public record Cqe(int dw0, int dw1, int sqhd, int sqid, int cid, int status) {
    public static final int SIZE = 16;

    /** Writes the CQE at the buffer's position and advances it. */
    public void write(ByteBuffer out) {
        ByteBuffer o = out.slice(out.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        o.putInt(0, dw0).putInt(4, dw1).putShort(8, (short) sqhd).putShort(10, (short) sqid)
                .putShort(12, (short) cid).putShort(14, (short) (status << 1));
        out.position(out.position() + SIZE);
    }

    /** Reads a CQE from 16 bytes at the buffer's position (position unchanged). */
    public static Cqe read(ByteBuffer in) {
        ByteBuffer o = in.slice(in.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return new Cqe(o.getInt(0), o.getInt(4), o.getShort(8) & 0xFFFF, o.getShort(10) & 0xFFFF,
                o.getShort(12) & 0xFFFF, (o.getShort(14) & 0xFFFF) >>> 1);
    }

    public boolean success() { return (status & 0x7FF) == 0; }

    @Override
    public String toString() {
        return String.format("CQE[cid=%d sqid=%d sqhd=%d dw0=0x%x %s]", cid, sqid, sqhd, dw0, Status.describe(status));
    }
}

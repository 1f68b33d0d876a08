package io.nvmegate.replication.it;

import java.nio.ByteBuffer;

/**
 * What the workload writes into a block, and how a read block is decoded: every 16-byte word of the block holds
 * {@code (write ID, LBA)}, both big-endian 64-bit. A block is thus unique per (write, LBA): a misplaced block (other
 * LBA), a torn block (words of two writes) and a block of a write that never was are all told apart from a good one.
 * A never-written block reads as zeroes: value {@link #INITIAL}.
 */
public final class BlockValues {
    /** The value of a block no write has touched (all zeroes). */
    public static final long INITIAL = 0;
    /** The decoded value of a block that is neither zeroes nor 16-byte words all equal to one (write ID, its LBA). */
    public static final long CORRUPT = -1;

    private BlockValues() {}

    /** @return {@code nlb} blocks of {@code blockSize} bytes for write {@code writeId} (> 0) at {@code slba} */
    public static byte[] encode(long writeId, long slba, int nlb, int blockSize) {
        ByteBuffer b = ByteBuffer.allocate(nlb * blockSize);
        for (int i = 0; i < nlb; i++) {
            for (int w = 0; w < blockSize / 16; w++) b.putLong(writeId).putLong(slba + i);
        }
        return b.array();
    }

    /**
     * @param data {@code nlb * blockSize} bytes read at {@code slba}
     * @return per block: the write ID, {@link #INITIAL} or {@link #CORRUPT}
     */
    public static long[] decode(byte[] data, long slba, int nlb, int blockSize) {
        ByteBuffer b = ByteBuffer.wrap(data);
        long[] values = new long[nlb];
        for (int i = 0; i < nlb; i++) {
            int base = i * blockSize;
            long id = b.getLong(base), lba = b.getLong(base + 8);
            boolean same = true;
            for (int off = base; off < base + blockSize && same; off += 16) {
                same = b.getLong(off) == id && b.getLong(off + 8) == lba;
            }
            if (!same) values[i] = CORRUPT;
            else if (id == 0 && lba == 0) values[i] = INITIAL;
            else values[i] = id > 0 && lba == slba + i ? id : CORRUPT;
        }
        return values;
    }
}

package io.nvmegate.storage;

import io.nvmegate.blockio.LbaRange;
import io.vertx.core.buffer.Buffer;

import java.util.Objects;
import java.util.UUID;

/**
 * Argument sanity shared by the {@link BlockStore} implementations. A store does not know namespace sizes: the
 * block worker checks every range against the namespace once, at entry ({@link LbaRange}). A store only refuses
 * (with {@link IllegalArgumentException}) what it cannot represent: a block count below 1, a range outside its key
 * space (LBAs {@code 0 .. Long.MAX_VALUE - 1}, the same {@link LbaRange} rule with that capacity), a byte length
 * beyond a buffer, data of another length than the blocks.
 */
final class Blocks {
    private Blocks() {}

    /** Largest block size accepted (NVMe allows larger LBA formats; nvmegate uses 512 and 4096). */
    static final int MAX_BLOCK_SIZE = 64 * 1024;
    /** Blocks a store can address: LBAs stay below 2^63 (see the key layout of {@link RocksDbBlockStore}). */
    static final long KEY_SPACE_BLOCKS = Long.MAX_VALUE;

    static void checkBlockSize(int blockSize) {
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize must be a power of two in 512.." + MAX_BLOCK_SIZE + ", got " + blockSize);
        }
    }

    /** @return {@code nlb * blockSize}, the byte length of the blocks */
    static int byteLength(UUID ns, int blockSize, long slba, int nlb) {
        Objects.requireNonNull(ns, "namespace");
        checkBlockSize(blockSize);
        if (nlb < 1) throw new IllegalArgumentException("nlb must be >= 1, got " + nlb);
        requireKeySpace(slba, nlb);
        long bytes = LbaRange.bytes(nlb, blockSize);
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("range too large: " + nlb + " blocks of " + blockSize + " bytes");
        }
        return (int) bytes;
    }

    static void checkData(Buffer data, int len) {
        Objects.requireNonNull(data, "data");
        if (data.length() != len) {
            throw new IllegalArgumentException("data length " + data.length() + " != nlb * blockSize = " + len);
        }
    }

    static void checkRanges(UUID ns, int blockSize, long[] ranges) {
        Objects.requireNonNull(ns, "namespace");
        Objects.requireNonNull(ranges, "ranges");
        checkBlockSize(blockSize);
        if (ranges.length % 2 != 0) throw new IllegalArgumentException("ranges must be {slba, nlb} pairs, length " + ranges.length);
        for (int i = 0; i < ranges.length; i += 2) requireKeySpace(ranges[i], ranges[i + 1]);
    }

    private static void requireKeySpace(long slba, long nlb) {
        if (!LbaRange.contains(slba, nlb, KEY_SPACE_BLOCKS)) {
            throw new IllegalArgumentException("blocks " + slba + "+" + nlb + " outside the store's key space");
        }
    }
}

package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;

import java.util.Objects;
import java.util.UUID;

/** Argument checks shared by the {@link BlockStore} implementations. */
final class Blocks {
    private Blocks() {}

    /** Largest block size accepted (NVMe allows larger LBA formats; nvmegate uses 512 and 4096). */
    static final int MAX_BLOCK_SIZE = 64 * 1024;

    static void checkBlockSize(int blockSize) {
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize must be a power of two in 512.." + MAX_BLOCK_SIZE + ", got " + blockSize);
        }
    }

    /** @return {@code nlb * blockSize} (the byte length of the range) */
    static int checkRange(UUID ns, int blockSize, long slba, int nlb) {
        Objects.requireNonNull(ns, "namespace");
        checkBlockSize(blockSize);
        if (nlb < 1) throw new IllegalArgumentException("nlb must be >= 1, got " + nlb);
        checkLbas(slba, nlb);
        if ((long) nlb * blockSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("range too large: " + nlb + " blocks of " + blockSize + " bytes");
        }
        return nlb * blockSize;
    }

    static void checkLbas(long slba, long nlb) {
        if (slba < 0) throw new IllegalArgumentException("slba must be >= 0, got " + slba);
        if (nlb < 0 || slba > Long.MAX_VALUE - nlb) {
            throw new IllegalArgumentException("bad range slba=" + slba + " nlb=" + nlb);
        }
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
        for (int i = 0; i < ranges.length; i += 2) checkLbas(ranges[i], ranges[i + 1]);
    }
}

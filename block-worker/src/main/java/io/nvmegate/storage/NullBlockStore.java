package io.nvmegate.storage;

import io.nvmegate.blockio.ZeroBlocks;
import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * A {@link BlockStore} that keeps nothing (backend {@code "null"}, for benchmarks): writes are discarded, every
 * read returns zeroes: a slice of one shared direct zero buffer ({@link ZeroBlocks}), so neither allocated nor
 * copied on its way to the socket; callers must not write into it. Arguments are validated like {@link RocksDbBlockStore} does; it never fails otherwise and
 * keeps working after {@link #close()}.
 */
public final class NullBlockStore implements BlockStore {

    @Override
    public Buffer read(UUID ns, int blockSize, long slba, int nlb) {
        return ZeroBlocks.of(Blocks.byteLength(ns, blockSize, slba, nlb));
    }

    @Override
    public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync) {
        Blocks.checkData(data, Blocks.byteLength(ns, blockSize, slba, nlb));
    }

    @Override
    public void writeZeroes(UUID ns, int blockSize, long slba, int nlb) {
        Blocks.byteLength(ns, blockSize, slba, nlb);
    }

    @Override
    public void deallocate(UUID ns, int blockSize, long[] ranges) {
        Blocks.checkRanges(ns, blockSize, ranges);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}

package io.nvmegate.storage;

/** Operations a block worker performs for the gateway (see {@link BlockRequest}). */
public enum BlockOp {
    /** Read {@code nlb} blocks at {@code slba}; the reply carries {@code nlb * blockSize} bytes. */
    READ,
    /** Write {@code data} ({@code nlb * blockSize} bytes) at {@code slba}; durable before the reply if FUA. */
    WRITE,
    /** Make every acknowledged write durable (RocksDB WAL synced) before the reply. */
    FLUSH,
    /** Blocks [slba, slba+nlb) read as zeroes afterwards (the stored blocks are deleted). */
    WRITE_ZEROES,
    /** Deallocate the ranges in {@code ranges}; they read as zeroes afterwards. */
    DEALLOCATE
}

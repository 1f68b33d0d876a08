package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * Block storage of the namespaces of one block worker: blocking calls, safe to use from many threads at once.
 * Never call from an event-loop thread.
 *
 * <p>Units: {@code blockSize} is the namespace's logical block size in bytes (512 or 4096); {@code slba} is a
 * 0-based logical block address ({@code >= 0}); {@code nlb} is a number of blocks ({@code >= 1}); a range
 * covers blocks {@code [slba, slba + nlb)} and must lie in the store's key space ({@code slba + nlb <=
 * Long.MAX_VALUE}). The store does not know namespace capacities: the block worker checks every range against
 * the namespace once, at entry ({@link io.nvmegate.blockio.LbaRange}), before it calls a store.
 *
 * <p>Errors (all unchecked): {@link IllegalArgumentException} for a malformed call (bad block size, count,
 * negative LBA, wrong data length), {@link IllegalStateException} after {@link #close()}, and
 * {@link StorageException} when the storage engine fails.
 *
 * <p>Durability: a completed {@link #write} survives a crash of the process (kill -9); it survives a crash of
 * the machine only if written with {@code sync} or followed by a completed {@link #flush()}.
 */
public interface BlockStore extends AutoCloseable {

    /**
     * Reads {@code nlb} blocks starting at {@code slba}; blocks never written, or zeroed/deallocated since,
     * read as zeroes.
     *
     * @return a buffer of exactly {@code nlb * blockSize} bytes; read-only for the caller (the null store hands
     *         out slices of one shared zero buffer)
     */
    Buffer read(UUID ns, int blockSize, long slba, int nlb);

    /**
     * Writes {@code nlb} blocks starting at {@code slba}, atomically (all blocks or none).
     *
     * @param data {@code nlb * blockSize} bytes (its {@link Buffer#length()} must be exactly that); not retained
     *             after the call returns
     * @param sync if true (FUA), the write is durable on stable storage (WAL fsynced) when the call returns
     */
    void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync);

    /** Blocks {@code [slba, slba + nlb)} read as zeroes afterwards (their stored data is deleted). */
    void writeZeroes(UUID ns, int blockSize, long slba, int nlb);

    /**
     * Deallocates (NVMe DSM deallocate / TRIM) the given ranges, atomically; they read as zeroes afterwards.
     *
     * @param ranges pairs {@code {slba, nlb}} (length even); a pair with {@code nlb == 0} is ignored
     */
    void deallocate(UUID ns, int blockSize, long[] ranges);

    /** Makes every write that completed before this call durable on stable storage (WAL fsynced). */
    void flush();

    /**
     * Waits for calls in progress, makes all data durable and releases the store; later calls throw
     * {@link IllegalStateException}. Idempotent.
     */
    @Override
    void close();
}

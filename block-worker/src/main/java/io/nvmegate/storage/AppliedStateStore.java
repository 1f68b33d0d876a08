package io.nvmegate.storage;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * A {@link BlockStore} that can write extra key-value state ({@link StateWrites}) atomically with a block change:
 * a replicated namespace's applied index, dedupe slot and reservation state ({@link ReplicaStateKeys}) go into the
 * same {@code WriteBatch} as the blocks of the Raft log entry that changed them, so a crash keeps both or neither.
 * Same units, errors and durability as {@link BlockStore}; {@code state} may be null (then exactly the
 * {@link BlockStore} call).
 */
public interface AppliedStateStore extends BlockStore {
    /** {@link #write(UUID, int, long, int, Buffer, boolean)} and {@code state}, atomically. */
    void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync, StateWrites state);

    /** {@link #writeZeroes(UUID, int, long, int)} and {@code state}, atomically. */
    void writeZeroes(UUID ns, int blockSize, long slba, int nlb, StateWrites state);

    /** {@link #deallocate(UUID, int, long[])} and {@code state}, atomically. */
    void deallocate(UUID ns, int blockSize, long[] ranges, StateWrites state);

    /** Writes {@code state} alone, atomically; {@code sync}: WAL fsynced before the return. */
    void writeState(StateWrites state, boolean sync);

    /** @return the value at {@code key}, or null */
    byte[] getState(byte[] key);

    /** Calls {@code each} with every key-value in {@code [from, to)}, in key order. */
    void scanState(byte[] from, byte[] to, BiConsumer<byte[], byte[]> each);
}

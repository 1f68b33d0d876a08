package io.nvmegate.worker;

import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.BlockStore;

/**
 * The storage ops of a validated block request ({@link RequestCheck}) on the namespace's store: blocking calls,
 * run on a storage thread (or on the event loop for a store that never blocks). Writes, Write Zeroes and
 * deallocations hold the namespace's write lock shared, Compare and Write exclusively ({@link CompareOps}).
 * Store failures propagate as exceptions; the caller turns them into Internal Error.
 *
 * <p>Durability when the reply is sent (RocksDB; a process crash loses nothing acknowledged, since every change is in
 * the WAL file through {@code write(2)} before the reply): a Write with {@code fua} is in a synced WAL
 * ({@link BlockStore#write} with sync); Write Zeroes and deallocate with {@code fua} are followed by a
 * {@link BlockStore#flush()} (the store has no synced form of them), which covers them; Flush makes every change
 * acknowledged before it durable. Without {@code fua}, a change survives a machine crash only once a later Flush or
 * FUA command completed.
 */
final class StorageCommands {
    /** Compare / Verify / fused Compare and Write, and the per-namespace locks that make the latter atomic. */
    private final CompareOps compareOps = new CompareOps();

    /** @return the reply of storage op {@code r} on {@code store} */
    BlockReply execute(BlockStore store, BlockRequest r) {
        switch (r.op()) {
            case READ:
                return new BlockReply(Status.SUCCESS, store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb()));
            case WRITE:
                return compareOps.write(r.namespace(), () -> {
                    store.write(r.namespace(), r.blockSize(), r.slba(), r.nlb(), r.data(), r.fua());
                    return BlockReply.OK;
                });
            case FLUSH:
                store.flush();
                return BlockReply.OK;
            case WRITE_ZEROES:
                return compareOps.write(r.namespace(), () -> {
                    store.writeZeroes(r.namespace(), r.blockSize(), r.slba(), r.nlb());
                    if (r.fua()) store.flush(); // FUA: the zeroed range durable before the reply
                    return BlockReply.OK;
                });
            case DEALLOCATE:
                return compareOps.write(r.namespace(), () -> {
                    store.deallocate(r.namespace(), r.blockSize(), r.ranges());
                    if (r.fua()) store.flush(); // write cache disabled: the deallocation durable before the reply
                    return BlockReply.OK;
                });
            case COMPARE:
                return CompareOps.compare(store, r);
            case VERIFY:
                return CompareOps.verify(store, r);
            case COMPARE_AND_WRITE:
                return compareOps.compareAndWrite(store, r);
            default:
                throw new IllegalArgumentException(r.op() + " is not a storage op");
        }
    }
}

package io.nvmegate.worker;

import io.nvmegate.protocol.Status;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.storage.BlockStore;
import io.vertx.core.buffer.Buffer;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Compare, Verify and the fused Compare and Write of a block worker, on top of any {@link BlockStore}.
 *
 * <p>Atomicity (NVMe Base 2.0 section 3.4.2: a fused operation "shall be executed as an atomic unit"): every
 * namespace has a read/write lock; writes, Write Zeroes and deallocations hold it shared (they still run in
 * parallel), Compare and Write holds it exclusively from its read to its write, so no other write of the namespace
 * can come between them. Reads take no lock (each store write is itself atomic: all blocks or none).
 */
final class CompareOps {
    private final Map<UUID, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    private ReentrantReadWriteLock lock(UUID ns) {
        return locks.computeIfAbsent(ns, k -> new ReentrantReadWriteLock());
    }

    /** Runs a write-type operation of namespace {@code ns} (shared with other writes, excluded from Compare and Write). */
    BlockReply write(UUID ns, Supplier<BlockReply> op) {
        ReentrantReadWriteLock.ReadLock l = lock(ns).readLock();
        l.lock();
        try {
            return op.get();
        } finally {
            l.unlock();
        }
    }

    /** COMPARE: success if the stored blocks equal the request data, else Compare Failure. */
    static BlockReply compare(BlockStore store, BlockRequest r) {
        Buffer stored = store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb());
        return new BlockReply(equal(stored, r.data(), 0) ? Status.SUCCESS : Status.COMPARE_FAILURE, null);
    }

    /** VERIFY: the blocks are read (so a storage failure surfaces) and dropped. */
    static BlockReply verify(BlockStore store, BlockRequest r) {
        store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb());
        return BlockReply.OK;
    }

    /** COMPARE_AND_WRITE: under the namespace's exclusive lock, compare the first half of the data, write the second. */
    BlockReply compareAndWrite(BlockStore store, BlockRequest r) {
        int len = r.nlb() * r.blockSize();
        ReentrantReadWriteLock.WriteLock l = lock(r.namespace()).writeLock();
        l.lock();
        try {
            Buffer stored = store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb());
            if (!equal(stored, r.data(), 0)) return new BlockReply(Status.COMPARE_FAILURE, null);
            store.write(r.namespace(), r.blockSize(), r.slba(), r.nlb(), r.data().slice(len, 2 * len), r.fua());
            return BlockReply.OK;
        } finally {
            l.unlock();
        }
    }

    /** @return whether {@code a} equals {@code b} from {@code off} over {@code a.length()} bytes */
    static boolean equal(Buffer a, Buffer b, int off) {
        int n = a.length();
        int i = 0;
        for (; i + 8 <= n; i += 8) if (a.getLong(i) != b.getLong(off + i)) return false;
        for (; i < n; i++) if (a.getByte(i) != b.getByte(off + i)) return false;
        return true;
    }
}

package io.nvmegate.storage;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link BlockStore} in RAM (backend {@code "memory"}, like SPDK's malloc bdev): keeps data for the life of the
 * store, loses it on {@link #close()} or when the process ends. Meant for tests and embedded targets.
 *
 * <h2>Layout</h2>
 * Per namespace UUID, a hash map from LBA to one {@code byte[blockSize]} on the Java heap. A block is allocated
 * on its first write and freed by Write Zeroes or deallocate, so capacity is thin-provisioned: the heap used is
 * about {@code blockSize + 100} bytes per written block, whatever the namespace size (size the test JVM's
 * {@code -Xmx} for the data a test writes). Blocks never written (or zeroed, or deallocated since) read as zeroes.
 *
 * <h2>Atomicity and concurrency</h2>
 * Each namespace has a read-write lock: reads of one namespace run concurrently; a write, Write Zeroes or
 * deallocate is exclusive within its namespace, so a multi-block write is atomic (a concurrent read sees all of
 * its blocks or none). {@link #flush()} does nothing (there is no stable storage); {@code sync} (FUA) is ignored.
 *
 * <p>A stored block of a different size than the one asked for (the namespace re-created with another block
 * size over old data) fails with {@link StorageException}, as in {@link RocksDbBlockStore}. After
 * {@link #close()} every call throws {@link IllegalStateException} and the memory is released.
 */
public final class MemoryBlockStore implements BlockStore {
    private final Map<UUID, Namespace> namespaces = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The blocks of one namespace; {@code byLba} is read under the read lock, changed under the write lock. */
    private static final class Namespace {
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        final Map<Long, byte[]> byLba = new HashMap<>();
    }

    private Namespace blocks(UUID ns) {
        ensureOpen();
        return namespaces.computeIfAbsent(ns, u -> new Namespace());
    }

    @Override
    public Buffer read(UUID ns, int blockSize, long slba, int nlb) {
        int len = Blocks.byteLength(ns, blockSize, slba, nlb);
        Namespace b = blocks(ns);
        byte[] out = new byte[len];
        b.lock.readLock().lock();
        try {
            if (b.byLba.isEmpty()) return wrap(out);
            for (int i = 0; i < nlb; i++) {
                byte[] v = b.byLba.get(slba + i);
                if (v == null) continue;
                checkSize(ns, slba + i, v, blockSize);
                System.arraycopy(v, 0, out, i * blockSize, blockSize);
            }
        } finally {
            b.lock.readLock().unlock();
        }
        return wrap(out);
    }

    @Override
    public void write(UUID ns, int blockSize, long slba, int nlb, Buffer data, boolean sync) {
        int len = Blocks.byteLength(ns, blockSize, slba, nlb);
        Blocks.checkData(data, len);
        byte[][] copies = new byte[nlb][];
        for (int i = 0; i < nlb; i++) copies[i] = data.getBytes(i * blockSize, (i + 1) * blockSize); // outside the lock
        Namespace b = blocks(ns);
        b.lock.writeLock().lock();
        try {
            for (int i = 0; i < nlb; i++) b.byLba.put(slba + i, copies[i]);
        } finally {
            b.lock.writeLock().unlock();
        }
    }

    @Override
    public void writeZeroes(UUID ns, int blockSize, long slba, int nlb) {
        Blocks.byteLength(ns, blockSize, slba, nlb);
        remove(ns, new long[] {slba, nlb});
    }

    @Override
    public void deallocate(UUID ns, int blockSize, long[] ranges) {
        Blocks.checkRanges(ns, blockSize, ranges);
        remove(ns, ranges);
    }

    private void remove(UUID ns, long[] ranges) {
        Namespace b = blocks(ns);
        b.lock.writeLock().lock();
        try {
            for (int i = 0; i < ranges.length; i += 2) {
                long slba = ranges[i];
                long nlb = ranges[i + 1];
                if (nlb <= b.byLba.size()) {
                    for (long lba = slba; lba < slba + nlb; lba++) b.byLba.remove(lba);
                } else {
                    b.byLba.keySet().removeIf(lba -> lba >= slba && lba - slba < nlb);
                }
            }
        } finally {
            b.lock.writeLock().unlock();
        }
    }

    /** Nothing to make durable: RAM is the only storage. */
    @Override
    public void flush() {
        ensureOpen();
    }

    /** Drops every namespace's blocks. Idempotent. */
    @Override
    public void close() {
        closed = true;
        namespaces.clear();
    }

    /** @return the number of blocks of {@code ns} that hold data (test/diagnostic aid). */
    public long storedBlocks(UUID ns) {
        ensureOpen();
        Namespace b = namespaces.get(ns);
        if (b == null) return 0;
        b.lock.readLock().lock();
        try {
            return b.byLba.size();
        } finally {
            b.lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("memory block store is closed");
    }

    private static void checkSize(UUID ns, long lba, byte[] v, int blockSize) {
        if (v.length != blockSize) {
            throw new StorageException("namespace " + ns + " LBA " + lba + ": stored block has " + v.length
                    + " bytes, expected " + blockSize);
        }
    }

    private static Buffer wrap(byte[] out) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(out));
    }
}

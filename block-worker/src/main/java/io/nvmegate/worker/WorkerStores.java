package io.nvmegate.worker;

import io.nvmegate.storage.BlockStore;
import io.nvmegate.storage.MemoryBlockStore;
import io.nvmegate.storage.NullBlockStore;
import io.nvmegate.storage.ReservationStateStore;
import io.nvmegate.storage.RocksDbBlockStore;
import io.nvmegate.storage.SlowBlockStore;
import io.nvmegate.storage.StorageBackend;

import java.nio.file.Path;

/**
 * The stores of one block worker, one per {@link StorageBackend}: namespaces with backend {@code rocksdb} share
 * one RocksDB database (opened by {@link #openRocksDb()} before the first such namespace is served, closed by
 * {@link #close()}), {@code memory} namespaces share one {@link MemoryBlockStore}, {@code null} namespaces one
 * {@link NullBlockStore}, {@code slow} namespaces one {@link SlowBlockStore} over a memory store of their own. Opening and closing block (call them on a storage thread); {@link #store} does not.
 */
final class WorkerStores {
    private final Path rocksDbDir;
    private final BlockStore nullStore = new NullBlockStore();
    private final MemoryBlockStore memoryStore = new MemoryBlockStore();
    private final MemoryBlockStore slowMemory = new MemoryBlockStore();
    private final BlockStore slowStore = SlowBlockStore.fromProperty(slowMemory);
    private volatile RocksDbBlockStore rocksDb;

    /** @param rocksDbDir where the RocksDB database lives (created on first open) */
    WorkerStores(Path rocksDbDir) {
        this.rocksDbDir = rocksDbDir;
    }

    /** @return whether the RocksDB database is open */
    boolean rocksDbOpen() { return rocksDb != null; }

    /** Blocking: opens the RocksDB database if it is not open. @throws io.nvmegate.storage.StorageException if it cannot */
    synchronized RocksDbBlockStore openRocksDb() {
        if (rocksDb == null) rocksDb = new RocksDbBlockStore(rocksDbDir);
        return rocksDb;
    }

    /** @return the open RocksDB store, or null (metrics read it from any thread) */
    RocksDbBlockStore rocksDb() { return rocksDb; }

    /**
     * @return the store of {@code backend}
     * @throws IllegalStateException for {@code rocksdb} when the database is not open (a worker serves a rocksdb
     *                               namespace only after opening it)
     */
    BlockStore store(StorageBackend backend) {
        switch (backend) {
            case NULL:
                return nullStore;
            case MEMORY:
                return memoryStore;
            case SLOW:
                return slowStore;
            default:
                RocksDbBlockStore r = rocksDb;
                if (r == null) throw new IllegalStateException("RocksDB is not open at " + rocksDbDir);
                return r;
        }
    }

    /** @return where the reservation state of a {@code backend} namespace persists with PTPL, or null (not supported) */
    ReservationStateStore reservationPersistence(StorageBackend backend) {
        return backend.persistent() ? rocksDb : null;
    }

    /**
     * Blocking: closes RocksDB (memtables flushed; waits for calls in progress) and drops the memory namespaces'
     * blocks.
     *
     * @return whether a RocksDB database was open
     * @throws io.nvmegate.storage.StorageException if the final flush failed (the database is closed anyway)
     */
    boolean close() {
        RocksDbBlockStore r;
        synchronized (this) {
            r = rocksDb;
            rocksDb = null;
        }
        try {
            if (r != null) r.close();
        } finally {
            memoryStore.close();
            slowMemory.close();
        }
        return r != null;
    }
}

package io.nvmegate.storage;

/**
 * The block stores a namespace's {@code backend} (catalog field, {@link io.nvmegate.catalog.NamespaceSpec#backend()})
 * names on a block worker. The worker picks a namespace's store from this value when it starts serving the
 * namespace; the backend {@code null-gateway} is answered by the gateway itself and has no store here.
 */
public enum StorageBackend {
    /** {@link RocksDbBlockStore}: keeps data across restarts; the reservation state persists with PTPL. */
    ROCKSDB("rocksdb", true, true),
    /** {@link MemoryBlockStore}: keeps data in RAM until the worker stops. */
    MEMORY("memory", false, true),
    /** {@link NullBlockStore}: keeps nothing, reads zeroes, never blocks. */
    NULL("null", false, false),
    /**
     * {@link SlowBlockStore} over a {@link MemoryBlockStore} of its own: RAM, every call delayed by
     * {@code -Dnvmegate.test.storeLatencyMicros} (tests of overload and back-pressure).
     */
    SLOW("slow", false, true);

    /** The catalog's backend value. */
    public final String catalogName;
    private final boolean persistent;
    private final boolean blocking;

    StorageBackend(String catalogName, boolean persistent, boolean blocking) {
        this.catalogName = catalogName;
        this.persistent = persistent;
        this.blocking = blocking;
    }

    /** @return the backend named {@code name} in the catalog, or null if a block worker has no such store */
    public static StorageBackend of(String name) {
        for (StorageBackend b : values()) if (b.catalogName.equals(name)) return b;
        return null;
    }

    /**
     * @return whether data survives a restart of the worker (and so a reservation state with Persist Through Power
     *         Loss, RESCAP bit 0)
     */
    public boolean persistent() { return persistent; }

    /** @return whether store calls may block (so they run on a storage thread, never on the event loop) */
    public boolean blocking() { return blocking; }
}

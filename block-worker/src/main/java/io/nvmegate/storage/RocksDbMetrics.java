package io.nvmegate.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.Supplier;

/**
 * RocksDB gauges of a block worker ({@code worker} label), read at scrape time from the worker's open database
 * (NaN while none is open): {@code nvmegate_rocksdb_live_data_size_bytes}, {@code _sst_files_size_bytes},
 * {@code _memtable_size_bytes}, {@code _pending_compaction_bytes}, {@code _running_compactions},
 * {@code _estimated_keys}, {@code _block_cache_usage_bytes}, {@code _block_cache_capacity_bytes}, and the
 * counters {@code _block_cache_hits_total} / {@code _block_cache_misses_total}.
 */
public final class RocksDbMetrics {
    private RocksDbMetrics() {}

    /** What a RocksDB-backed store exposes; every method returns -1 when the value is unavailable (closed). */
    public interface Source {
        /** @return the integer RocksDB property {@code name} (e.g. {@code rocksdb.estimate-live-data-size}) */
        long longProperty(String name);

        /** @return block cache hits since the database was opened (ticker BLOCK_CACHE_HIT) */
        long blockCacheHits();

        /** @return block cache misses since the database was opened (ticker BLOCK_CACHE_MISS) */
        long blockCacheMisses();
    }

    /** Registers the gauges of worker {@code workerId}, reading whichever store {@code store} currently returns. */
    public static void register(MeterRegistry registry, String workerId, Supplier<? extends Source> store) {
        property(registry, workerId, store, "nvmegate.rocksdb.live.data.size.bytes", "rocksdb.estimate-live-data-size",
                "Estimated live data in RocksDB, bytes");
        property(registry, workerId, store, "nvmegate.rocksdb.sst.files.size.bytes", "rocksdb.total-sst-files-size",
                "Size of all RocksDB SST files, bytes");
        property(registry, workerId, store, "nvmegate.rocksdb.memtable.size.bytes", "rocksdb.cur-size-all-mem-tables",
                "Size of RocksDB's active and unflushed immutable memtables, bytes");
        property(registry, workerId, store, "nvmegate.rocksdb.pending.compaction.bytes", "rocksdb.estimate-pending-compaction-bytes",
                "Estimated bytes RocksDB compaction still has to rewrite");
        property(registry, workerId, store, "nvmegate.rocksdb.running.compactions", "rocksdb.num-running-compactions",
                "RocksDB compactions running now");
        property(registry, workerId, store, "nvmegate.rocksdb.estimated.keys", "rocksdb.estimate-num-keys",
                "Estimated keys (stored logical blocks) in RocksDB");
        property(registry, workerId, store, "nvmegate.rocksdb.block.cache.usage.bytes", "rocksdb.block-cache-usage",
                "Memory used by RocksDB's block cache, bytes");
        property(registry, workerId, store, "nvmegate.rocksdb.block.cache.capacity.bytes", "rocksdb.block-cache-capacity",
                "Capacity of RocksDB's block cache, bytes");
        FunctionCounter.builder("nvmegate.rocksdb.block.cache.hits", store, s -> value(s.get() == null ? -1 : s.get().blockCacheHits()))
                .description("RocksDB block cache hits since the database was opened").tag("worker", workerId).register(registry);
        FunctionCounter.builder("nvmegate.rocksdb.block.cache.misses", store, s -> value(s.get() == null ? -1 : s.get().blockCacheMisses()))
                .description("RocksDB block cache misses since the database was opened").tag("worker", workerId).register(registry);
    }

    private static void property(MeterRegistry registry, String workerId, Supplier<? extends Source> store, String meter,
                                 String property, String description) {
        Gauge.builder(meter, store, s -> value(s.get() == null ? -1 : s.get().longProperty(property)))
                .description(description + " (" + property + ")").tag("worker", workerId).strongReference(true).register(registry);
    }

    private static double value(long v) {
        return v < 0 ? Double.NaN : v;
    }
}

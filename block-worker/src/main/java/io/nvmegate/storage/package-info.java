/**
 * Block stores of a block worker, one per catalog backend ({@link io.nvmegate.storage.StorageBackend}):
 * {@link io.nvmegate.storage.RocksDbBlockStore} (key layout in its class comment, also the
 * {@link io.nvmegate.storage.ReservationStateStore} of PTPL), {@link io.nvmegate.storage.MemoryBlockStore},
 * {@link io.nvmegate.storage.NullBlockStore}, the test backend {@link io.nvmegate.storage.SlowBlockStore}; blocking calls behind {@link io.nvmegate.storage.BlockStore}, and
 * the RocksDB gauges ({@link io.nvmegate.storage.RocksDbMetrics}). Replicated namespaces write their state-machine
 * state (applied index, request-ID dedupe, reservations: {@link io.nvmegate.storage.ReplicaStateKeys}) in the same
 * RocksDB write batch as their blocks ({@link io.nvmegate.storage.AppliedStateStore},
 * {@link io.nvmegate.storage.StateWrites}). Stores know nothing of namespaces' sizes,
 * reservations or NVMe statuses: the worker validates requests before they reach a store.
 */
package io.nvmegate.storage;

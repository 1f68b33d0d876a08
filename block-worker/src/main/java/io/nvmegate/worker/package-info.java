/**
 * The block worker ({@link io.nvmegate.worker.BlockWorker}): serves the namespaces it owns on the event bus under
 * the contract of {@link io.nvmegate.blockio}. One request lifecycle, as nvmet's {@code struct nvmet_req}:
 * {@link io.nvmegate.worker.BlockCall} (decode, the one reply path) →
 * {@link io.nvmegate.worker.RequestCheck} (validate once: fields, LBA range) →
 * {@link io.nvmegate.worker.BlockRequestHandler} (route to the reservations or the store) →
 * {@link io.nvmegate.worker.StorageCommands} / {@link io.nvmegate.worker.CompareOps} on the store bound to the
 * namespace by its backend ({@link io.nvmegate.worker.ServedNamespace}, {@link io.nvmegate.worker.WorkerStores}).
 * Reservations: {@link io.nvmegate.worker.reservation}; stores: {@link io.nvmegate.storage}.
 */
package io.nvmegate.worker;

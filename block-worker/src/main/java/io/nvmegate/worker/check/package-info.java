/**
 * The one validation of a block request against its namespace ({@link io.nvmegate.worker.check.BlockRequestCheck}),
 * shared by the block worker's RF 1 path ({@link io.nvmegate.worker}) and the replicated state machine
 * ({@link io.nvmegate.replication}); depends only on {@link io.nvmegate.blockio}, the catalog and the reservation
 * data lengths.
 */
package io.nvmegate.worker.check;

/**
 * NVM I/O commands (NVM Command Set 1.0 section 3; nvmet io-cmd-bdev.c): Read, Write, Compare, Verify, Flush,
 * Write Zeroes, Dataset Management and the fused Compare and Write, parsed and checked once
 * ({@link io.nvmegate.gateway.io.IoCommands}: NSID, LBA range, transfer length) and executed by the block worker
 * owning the namespace over the event bus ({@link io.nvmegate.gateway.io.BlockClient}; messages in
 * {@code io.nvmegate.blockio}); the diagnostic backend {@code null-gateway} is answered here
 * ({@link io.nvmegate.gateway.io.GatewayNullBackend}).
 */
package io.nvmegate.gateway.io;

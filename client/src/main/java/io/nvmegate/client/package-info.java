/**
 * A Java NVMe over TCP host (initiator): NVMe/TCP 1.0 transport, NVMe-oF 1.1 Fabrics commands, NVMe Base 2.0 admin
 * commands and the NVM command set.
 *
 * <p>Start with {@link io.nvmegate.client.NvmeTcpHost#connect(io.nvmegate.client.ConnectOptions)}, which returns
 * an {@link io.nvmegate.client.NvmeController} (admin queue + I/O queues, one TCP connection each), or
 * {@link io.nvmegate.client.NvmeTcpHost#discover(String, int)} for a discovery log. Every command has an
 * asynchronous form returning a {@link java.util.concurrent.CompletableFuture} and, where sensible, a blocking
 * one. Errors are unchecked {@link io.nvmegate.client.NvmeException}s.
 *
 * <p>Wire behaviour follows the Linux host: ICReq with HPDA 0 and MAXR2T 0; SGLs only (PSDT 01b); writes up to
 * the in-capsule size (admin 8 KiB - 64, I/O IOCCSZ*16 - 64) ride in the CapsuleCmd with SGL 0x01, larger ones
 * use SGL 0x5A and are sent in H2CData PDUs of at most MAXH2CDATA bytes per R2T; reads use SGL 0x5A and are
 * assembled from C2HData PDUs, completed by the CapsuleResp or a C2HData with SUCCESS and LAST_PDU.
 */
package io.nvmegate.client;

/**
 * The NVMe/TCP transport (NVMe/TCP 1.0; nvmet tcp.c): listeners ({@link io.nvmegate.transport.NvmeTcpServer}) and
 * one {@link io.nvmegate.transport.TcpQueue} per connection — ICReq/ICResp, CapsuleCmd, R2T/H2CData, C2HData,
 * CapsuleResp, C2HTermReq, digests — with its send batching ({@link io.nvmegate.transport.OutboundBatch}) and its
 * flow control under overload (the process's {@link io.nvmegate.transport.InflightBudget}, R2T pacing and the
 * per-queue unwritten data cap: {@link io.nvmegate.transport.QueueFlow}). Every
 * command goes through {@link io.nvmegate.fabrics.CommandParser}. Depends on {@code io.nvmegate.fabrics},
 * {@code io.nvmegate.controller} and {@code io.nvmegate.metrics}.
 */
package io.nvmegate.transport;

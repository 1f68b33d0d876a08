/**
 * NVM I/O commands (NVM Command Set 1.0 section 3; nvmet io-cmd-bdev.c): Read, Write, Compare, Verify, Flush,
 * Write Zeroes, Dataset Management and the fused Compare and Write, parsed and checked once
 * ({@link io.nvmegate.gateway.io.IoCommands}: NSID, LBA range, transfer length) and executed by the block worker
 * owning the namespace over the event bus ({@link io.nvmegate.gateway.io.BlockClient}; messages in
 * {@code io.nvmegate.blockio}); the diagnostic backend {@code null-gateway} is answered here
 * ({@link io.nvmegate.gateway.io.GatewayNullBackend}).
 *
 * <h2>Replicated namespaces (replication factor above 1)</h2>
 * Every request of a replicated namespace, the reservation commands and the fused Compare and Write included, gets
 * a {@link io.nvmegate.blockio.RequestId} in {@link io.nvmegate.gateway.io.BlockClient} (the gateway's session
 * and a counter) and keeps it across every retry, so the replicas apply it at most once.
 * <ul>
 *   <li>{@link io.nvmegate.gateway.io.ReplicaRouter}: the leader cache (namespace UUID to the Raft leader's
 *       worker ID), fed by {@link io.nvmegate.gateway.io.ReplicationStatusFeed} (an entry listener on Hazelcast
 *       map {@code nvmegate.replication}, never read per command) and by the replicas' redirect hints.</li>
 *   <li>{@link io.nvmegate.gateway.io.ReplicatedSend}: one request's attempts: to the cached leader, at once to a
 *       hinted leader, after a backoff to the next replica on a timeout, a missing consumer or a not-leader answer
 *       without hint; Asymmetric Access Transition (SCT 3h SC 03h, no DNR) once
 *       {@link io.nvmegate.gateway.io.FailoverPolicy#budgetMs()} is spent. A leader's other statuses are final.</li>
 *   <li>{@link io.nvmegate.gateway.io.FailoverMetrics}: {@code nvmegate_gateway_reroutes_total{reason}} and
 *       {@code nvmegate_gateway_failover_wait_seconds{outcome}}; {@code FailoverLog}: one WARN per namespace per
 *       failover, not per command.</li>
 * </ul>
 * Replication factor 1 keeps its direct path ({@code nvmegate.block.<uuid>}, the retry rules of
 * {@link io.nvmegate.gateway.io.BlockClient}).
 *
 * <h2>Fencing</h2>
 * Every request (any replication factor) carries a request ID whose client is the gateway's session (its current
 * Hazelcast member UUID, {@link io.nvmegate.ana.GatewayLease#session()}) and, stamped right before each attempt,
 * the gateway's lease ({@code BlockRequest.leaseUntil}); nothing is sent while the lease is not valid (the command
 * completes with Asymmetric Access Inaccessible, no DNR). Block workers refuse late or fenced requests with the
 * same status ({@code io.nvmegate.ana} package doc, "Fencing").
 */
package io.nvmegate.gateway.io;

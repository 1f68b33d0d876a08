/**
 * The block worker's side of gateway fencing ({@code io.nvmegate.ana} package doc, "Fencing"):
 * {@link io.nvmegate.worker.fence.GatewayFence} refuses, with Asymmetric Access Inaccessible (no DNR), every request
 * whose gateway lease ran out or whose gateway session left the cluster. Used by the replication factor 1 request
 * path ({@code io.nvmegate.worker}) and by the replicas of replicated namespaces before a request enters the Raft
 * log ({@code io.nvmegate.replication.ReplicaHandler}); its own package so that both use it without a package cycle.
 */
package io.nvmegate.worker.fence;

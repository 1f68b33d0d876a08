/**
 * Replicated namespaces (replication factor 2..5): one Apache Ratis Raft group per namespace (group ID = namespace
 * UUID, peer ID = worker ID). {@link io.nvmegate.replication.NamespaceStateMachine} is the state machine of a
 * group: it applies committed log entries ({@code BlockCodecs} requests) to the namespace's store in log order
 * ({@link io.nvmegate.replication.ReplicatedApply}), remembers request IDs so a retried request is applied at most
 * once ({@link io.nvmegate.replication.RequestDedupe}), keeps the reservation state as replicated state, stores
 * the applied index in the same RocksDB write batch as the data, and writes snapshot files
 * ({@link io.nvmegate.replication.NamespaceSnapshot}). The contract with gateways is in
 * {@link io.nvmegate.blockio} ("Replicated namespaces").
 */
package io.nvmegate.replication;

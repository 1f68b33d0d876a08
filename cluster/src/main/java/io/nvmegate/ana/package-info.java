/**
 * Multipath high availability: ANA groups, their owners, gateway leases and fencing (NVMe Base 2.0 section 8.1
 * Asymmetric Namespace Access; the Linux host's native multipath, {@code drivers/nvme/host/multipath.c}).
 *
 * <h2>Groups and owners</h2>
 * Every namespace has an ANA group (ANAGRPID, {@code NamespaceSpec.anaGroup}); groups are per subsystem. Each
 * (subsystem, group) has one owner gateway ({@link AnaOwner}, map {@value AnaOwner#MAP}) chosen by the balancer
 * among the live gateways that serve the subsystem (a port exporting it whose {@code gateway} is that gateway or
 * null), homes spread by count. Every gateway reports every group of the subsystem: optimized on the owner,
 * non-optimized on the others (any gateway can serve: all forward to the same workers), inaccessible while the
 * group's storage cannot serve or the gateway's own lease lapsed, change on the gateway a group is moving to
 * ({@link AnaStateRule}). Every change bumps that gateway's CHGCNT and sends the ANA change notice (AEN
 * {@code 0x000C0302}) to each controller that enabled it.
 *
 * <h2>Leases and failure detection</h2>
 * A gateway renews its {@link GatewayDirectory.GatewayInfo} every {@link GatewayLease#RENEW_MS} ms: lease =
 * cluster time at the renewal's send + {@link GatewayLease#LEASE_MS}. A gateway whose lease expired (killed,
 * paused, cut off) is dead to the balancer, which gives its groups to live gateways at once (one step: it cannot
 * forward any more). This does not wait for Hazelcast to drop the member (heartbeat 1 s, 10 s of silence). A
 * returning gateway gets its home groups back after a settle delay, by the two-step hand-off of {@link AnaOwner}.
 * A gateway paused or cut off past Hazelcast's failure detection comes back through a split-brain merge: from
 * Hazelcast's {@code MERGING} until its owner view reloaded the merged map it reports every group inaccessible
 * ({@link AnaOwners#current()}), since its copy still holds the owner entries of before the split.
 *
 * <h2>Fencing</h2>
 * A command a host sent to a gateway that then paused may be retried by the host on another path once its
 * keep-alive times out (≥ KATO, 5 s by default); the late copy must never land. Three checks:
 * <ol>
 *   <li>gateway, per forwarded command: its lease valid, and the command's controller created after the last
 *       lapse ({@link GatewayLease#lapsedAtNanos()}; after a lapse the gateway tears its controllers down: bytes
 *       read from their sockets after the pause are never forwarded);</li>
 *   <li>block worker, per request: {@code BlockRequest.leaseUntil} ahead of its cluster time (a request delayed in
 *       transit, or sent by a gateway whose check raced its pause, is refused);</li>
 *   <li>block worker, per request: {@code RequestId.client} is not a member that left the cluster (a gateway cut
 *       off in a split brain renews its lease in its own half: the workers of the other half refuse it).</li>
 * </ol>
 * Refusals answer Asymmetric Access Inaccessible (SCT 3h, SC 02h) without DNR: the host retries on another path.
 */
package io.nvmegate.ana;

/**
 * The contract between a gateway and the block workers: the event-bus messages through which a gateway has a
 * namespace's blocks and reservation state served by the worker that owns the namespace
 * ({@link io.nvmegate.catalog.NamespaceSpec#worker()}). Both ends depend on this package only; neither knows the
 * other's classes.
 *
 * <h2>Addresses</h2>
 * <ul>
 *   <li>{@code "nvmegate.block.<namespace UUID>"} ({@link io.nvmegate.catalog.NamespaceSpec#address()}): point to
 *       point. The gateway sends a {@link io.nvmegate.blockio.BlockRequest} with {@code request} (or {@code send}
 *       for CONTROLLER_GONE, which expects no reply); the owning worker answers with exactly one
 *       {@link io.nvmegate.blockio.BlockReply}. The codecs ({@link io.nvmegate.blockio.BlockCodecs}, byte layout
 *       there) must be registered on both ends; inside one JVM the objects travel as they are.</li>
 *   <li>The same address also takes a {@link io.nvmegate.blockio.BlockBatch} (one-way): the requests of one
 *       gateway event-loop turn, each with a correlation ID, and the gateway's reply address
 *       ({@code "nvmegate.replies.<uuid>"}); the worker answers each through its
 *       {@link io.nvmegate.blockio.BlockResponder} and sends the replies of one of its turns as one
 *       {@link io.nvmegate.blockio.BlockReplyBatch} there ({@link io.nvmegate.blockio.ReplyOutbox}; layouts in
 *       {@link io.nvmegate.blockio.BlockBatchCodecs}). Clustered gateways use it for workers of other processes.</li>
 *   <li>A worker in the gateway's own Vert.x instance is not reached over the bus at all: its handler for each
 *       address is in {@link io.nvmegate.blockio.LocalBlockHandlers} and the gateway calls it directly (same
 *       {@link io.nvmegate.blockio.BlockHandler}, same checks, same one completion path).</li>
 *   <li>{@value io.nvmegate.blockio.ReservationEvents#ADDRESS}: publish, worker to every gateway: reservation
 *       notices ({@link io.nvmegate.blockio.ReservationEvents}, JSON body).</li>
 * </ul>
 *
 * <h2>Replicated namespaces (replication factor above 1)</h2>
 * A namespace with {@link io.nvmegate.catalog.NamespaceSpec#replicated()} is one Raft group (Apache Ratis, group
 * ID = namespace UUID) over the workers of {@link io.nvmegate.catalog.NamespaceSpec#replicas()}.
 * <ul>
 *   <li>Each replica consumes {@code "nvmegate.block.<uuid>@<workerId>"}
 *       ({@link io.nvmegate.catalog.NamespaceSpec#address(String)}). The leader serves requests there; a follower
 *       (or a replica that lost its leadership) answers {@link io.nvmegate.blockio.BlockReply#notLeader} with the
 *       leader it knows of, and the gateway resends there. The leader publishes itself in
 *       {@link io.nvmegate.catalog.ReplicationStatus#MAP}, which gateways read to route.</li>
 *   <li>Every request carries a {@link io.nvmegate.blockio.RequestId}, kept across the gateway's retries: a request
 *       ID is applied at most once (the first outcome answers a repeat), so the gateway may resend a write to a
 *       new leader after a timeout or a failover without applying it twice.</li>
 *   <li>WRITE, WRITE_ZEROES, DEALLOCATE, COMPARE_AND_WRITE and the reservation ops are answered only after their
 *       log entry is committed (on a majority, the Raft log fsynced there) and applied on the leader; FUA and
 *       FLUSH therefore need nothing more. READ, COMPARE and VERIFY are linearizable (Raft ReadIndex, or the
 *       leader lease): they see every write answered before they were received.</li>
 *   <li>A deposed leader cannot commit: its late requests are answered {@code notLeader}, never Success.</li>
 *   <li>While a group has no leader (election, or no majority) the gateway keeps resending for a bounded time,
 *       then answers the host's command with Asymmetric Access Transition (SCT 3h SC 03h, path-related, no DNR),
 *       which the Linux host requeues rather than fails.</li>
 * </ul>
 *
 * <h2>Ops and fields</h2>
 * Units: {@code slba} and {@code nlb} are logical blocks ({@code nlb} 1's based, i.e. the command's NLB + 1),
 * {@code blockSize} and every data length are bytes; {@code blockSize} must be the namespace's. Every request
 * names its namespace UUID and, when issued for a host's command, the host identifier (128-bit) and CNTLID.
 * <pre>
 * op                       fields used                                      reply data
 * READ                     blockSize, slba, nlb                             nlb * blockSize bytes
 * WRITE                    blockSize, slba, nlb, fua, data (nlb * blockSize) -
 * COMPARE                  blockSize, slba, nlb, data (nlb * blockSize)     -
 * VERIFY                   blockSize, slba, nlb                             -
 * WRITE_ZEROES             blockSize, slba, nlb, fua                        -
 * DEALLOCATE               blockSize, ranges {slba, nlb}..., fua            -
 * COMPARE_AND_WRITE        blockSize, slba, nlb, fua, data (2 * nlb * blockSize: compare data, then write data)  -
 * FLUSH                    -                                                -
 * RESERVATION_REGISTER     cdw10, data 16 bytes (CRKEY le64, NRKEY le64), host       -
 * RESERVATION_ACQUIRE      cdw10, data 16 bytes (CRKEY le64, PRKEY le64), host       -
 * RESERVATION_RELEASE      cdw10, data 8 bytes (CRKEY le64), host                    -
 * RESERVATION_REPORT       cdw10 (NUMD), cdw11 (EDS), host                  the report, at most (NUMD + 1) * 4 bytes
 * RESERVATION_PERSISTENCE  data null (Get) or 1 byte, bit 0 PTPL (Set)      Get: 1 byte, bit 0 PTPL
 * CONTROLLER_GONE          host, cntlid (no reply expected)                 -
 * </pre>
 * A NLB of a block op is at most {@link io.nvmegate.blockio.LbaRange#MAX_NLB}. Writes, Write Zeroes and
 * deallocations with {@code fua} are durable before the reply; FLUSH makes every acknowledged write durable. COMPARE_AND_WRITE is atomic with respect
 * to every other write of the namespace (NVMe Base 2.0 section 3.4.2).
 *
 * <h2>Reply statuses (NVMe status field, {@link io.nvmegate.protocol.Status}) and what the gateway does</h2>
 * The gateway completes the host's command with the reply's status as it is (for a fused Compare and Write: the
 * Compare gets it, the Write Command Aborted due to Failed Fused Command), and returns the reply data as the
 * command's data on success.
 * <ul>
 *   <li>0 Success.</li>
 *   <li>LBA Out of Range | DNR (SCT 0 SC 80h): a range beyond NSZE.</li>
 *   <li>Invalid Field in Command | DNR (SCT 0 SC 02h): a malformed request (block size, NLB, data length, ranges,
 *       missing host), or a reservation command's field the reservation rules refuse.</li>
 *   <li>Reservation Conflict | DNR (SCT 0 SC 83h): the namespace's reservation denies the host this command
 *       (NVM Command Set 1.0 Figure 5), or the reservation command conflicts (NVMe Base 2.0 section 8.19).</li>
 *   <li>Host Identifier Inconsistent Format | DNR: a Reservation Report with EDS 0.</li>
 *   <li>Compare Failure (SCT 2 SC 85h): COMPARE or COMPARE_AND_WRITE found other data (nothing written).</li>
 *   <li>Namespace Not Ready (SCT 0 SC 82h, no DNR, the host retries): the request names another namespace than
 *       the address it was sent to, or the worker does not (yet) serve it.</li>
 *   <li>Asymmetric Access Inaccessible (SCT 3h SC 02h, no DNR, the host retries on another path): the worker
 *       fenced the request (its {@code leaseUntil} had passed, or its {@code RequestId.client} is a member that
 *       left the cluster: {@code io.nvmegate.ana}, "Fencing"). The gateway also answers it without sending when
 *       its own lease is not valid, and when no worker answers on the address after retrying for a few seconds
 *       (event-bus NO_HANDLERS: the worker is down).</li>
 *   <li>Asymmetric Access Transition (SCT 3h SC 03h, no DNR, the host requeues): the gateway's answer when the
 *       worker does not answer in time, or (replicated) when the failover budget ran out.</li>
 *   <li>Internal Error (SCT 0 SC 06h, no DNR): the store failed (the worker logs it), the body was not a
 *       {@code BlockRequest} or had an unknown op.</li>
 * </ul>
 *
 * <h2>Reservation notices</h2>
 * A reservation command that unregisters, releases or clears on behalf of one host makes the worker publish a
 * {@link io.nvmegate.blockio.ReservationNotice} per other host to notify (Registration Preempted, Reservation
 * Released, Reservation Preempted: the Reservation Notification log page types, NVMe Base 2.0 section 8.19.6).
 * Each gateway queues it in the Reservation Notification log page of every controller of that host on the
 * subsystem and raises the AEN, unless masked (feature 82h).
 *
 * <h2>Who checks what</h2>
 * <ul>
 *   <li>Gateway: the command's parsing (opcode, NSID active, fused pairs), the NVMe/TCP transfer (SGL length equal
 *       to the transfer length {@link io.nvmegate.blockio.LbaRange#bytes}, MDTS), the LBA range
 *       ({@link io.nvmegate.blockio.LbaRange#check}) so that a bad command never travels, and the Reservation
 *       Notification Mask.</li>
 *   <li>Worker, once at entry, for every request it receives (it did not parse the command): the namespace, the
 *       fields of the table above and the same LBA range rule; then the reservation access check of requests
 *       with a host; then the reservation commands' own rules. Requests without a host (the gateway's own, e.g.
 *       the flush of a controller shutdown) are not subject to reservations.</li>
 *   <li>Stores: nothing about namespaces; they refuse only arguments they cannot represent.</li>
 * </ul>
 */
package io.nvmegate.blockio;

package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * A block I/O request from a gateway to the block worker owning namespace {@code namespace}, sent on the event
 * bus to {@code "nvmegate.block.<namespace uuid>"} (see {@link io.nvmegate.catalog.NamespaceSpec#address()});
 * the reply is a {@link BlockReply}. Which op uses which field, and who checks what: {@code package-info}.
 *
 * @param op        the operation
 * @param namespace namespace UUID (storage key)
 * @param blockSize logical block size in bytes (512 or 4096); 0 for FLUSH and the reservation ops
 * @param slba      first logical block (a block address, not bytes); 0 where unused
 * @param nlb       number of logical blocks, 1's based (NLB + 1 of the command); 0 where unused
 * @param fua       Force Unit Access: for WRITE, COMPARE_AND_WRITE, WRITE_ZEROES and DEALLOCATE, durable (WAL
 *                  synced) before the reply (the command's FUA bit, or the Volatile Write Cache disabled)
 * @param data      WRITE and COMPARE: {@code nlb * blockSize} bytes; COMPARE_AND_WRITE: compare then write data,
 *                  {@code 2 * nlb * blockSize} bytes; the reservation ops: the command's data (see {@link BlockOp});
 *                  {@code null} otherwise
 * @param ranges    DEALLOCATE ranges as pairs {slba, nlb} (blocks); {@code null} otherwise
 * @param cdw10     reservation ops: the command's CDW10 as the host sent it (e.g. RREGA / IEKEY / CPTPL of a
 *                  Register, NUMD of a Report); 0 otherwise
 * @param cdw11     RESERVATION_REPORT: the command's CDW11 (bit 0 EDS); 0 otherwise
 * @param host      128-bit host identifier of the controller that issued the command, for the reservation access
 *                  check and the reservation commands; {@code null} for requests of the gateway itself (e.g. the
 *                  flush of a controller shutdown), which are not checked
 * @param cntlid    CNTLID of that controller (0 when {@code host} is null)
 * @param requestId identity of this request across retries ({@link RequestId}); required by replicated
 *                  namespaces for the ops that change state (applied at most once), {@code null} otherwise. A
 *                  clustered gateway sets it on every request: its {@link RequestId#client()} is the gateway's
 *                  current Hazelcast member UUID, which block workers fence once that member has left the cluster
 *                  ({@code io.nvmegate.ana} package doc, "Fencing")
 * @param leaseUntil the sending gateway's lease: Hazelcast cluster time (ms since the epoch,
 *                  {@code Cluster#getClusterTime()}) until which the gateway may forward; a block worker refuses a
 *                  request received after it with Asymmetric Access Inaccessible (no DNR). 0: no lease (a sender
 *                  outside a cluster, e.g. the single-process target or a test), not checked
 */
public record BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data,
                           long[] ranges, int cdw10, int cdw11, UUID host, int cntlid, RequestId requestId,
                           long leaseUntil) {
    /** A request without lease. */
    public BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data,
                        long[] ranges, int cdw10, int cdw11, UUID host, int cntlid, RequestId requestId) {
        this(op, namespace, blockSize, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, requestId, 0);
    }

    /** A request without request ID. */
    public BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data,
                        long[] ranges, int cdw10, int cdw11, UUID host, int cntlid) {
        this(op, namespace, blockSize, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, null);
    }

    /** A block request (no CDW10/CDW11) of controller {@code cntlid} of {@code host}. */
    public BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data,
                        long[] ranges, UUID host, int cntlid) {
        this(op, namespace, blockSize, slba, nlb, fua, data, ranges, 0, 0, host, cntlid);
    }

    /** A block request without host (not subject to reservations). */
    public BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data, long[] ranges) {
        this(op, namespace, blockSize, slba, nlb, fua, data, ranges, 0, 0, null, 0);
    }

    /** @return this request issued by controller {@code cntlid} of host {@code host} */
    public BlockRequest withHost(UUID host, int cntlid) {
        return new BlockRequest(op, namespace, blockSize, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, requestId, leaseUntil);
    }

    /** @return this request with request ID {@code id} (kept across the gateway's retries) */
    public BlockRequest withRequestId(RequestId id) {
        return new BlockRequest(op, namespace, blockSize, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, id, leaseUntil);
    }

    /** @return this request stamped with the sending gateway's lease ({@code leaseUntil}, cluster time ms) */
    public BlockRequest withLease(long until) {
        return new BlockRequest(op, namespace, blockSize, slba, nlb, fua, data, ranges, cdw10, cdw11, host, cntlid, requestId, until);
    }

    /**
     * A reservation command ({@code op} one of the {@code RESERVATION_*} operations) from controller {@code cntlid}
     * of host {@code host}.
     *
     * @param cdw10 the command's CDW10
     * @param cdw11 the command's CDW11 (used by RESERVATION_REPORT)
     * @param data  the command's data (see {@link BlockOp}), or null
     */
    public static BlockRequest reservation(BlockOp op, UUID ns, int cdw10, int cdw11, Buffer data, UUID host, int cntlid) {
        return new BlockRequest(op, ns, 0, 0, 0, false, data, null, cdw10, cdw11, host, cntlid);
    }

    /** Controller {@code cntlid} of {@code host} is gone (see {@link BlockOp#CONTROLLER_GONE}). */
    public static BlockRequest controllerGone(UUID ns, UUID host, int cntlid) {
        return new BlockRequest(BlockOp.CONTROLLER_GONE, ns, 0, 0, 0, false, null, null, 0, 0, host, cntlid);
    }

    public static BlockRequest read(UUID ns, int blockSize, long slba, int nlb) {
        return new BlockRequest(BlockOp.READ, ns, blockSize, slba, nlb, false, null, null);
    }

    public static BlockRequest write(UUID ns, int blockSize, long slba, int nlb, boolean fua, Buffer data) {
        return new BlockRequest(BlockOp.WRITE, ns, blockSize, slba, nlb, fua, data, null);
    }

    public static BlockRequest flush(UUID ns) {
        return new BlockRequest(BlockOp.FLUSH, ns, 0, 0, 0, false, null, null);
    }

    public static BlockRequest writeZeroes(UUID ns, int blockSize, long slba, int nlb) {
        return writeZeroes(ns, blockSize, slba, nlb, false);
    }

    /** @param fua durable (WAL synced) before the reply: Write Zeroes' FUA bit (CDW12 bit 30) or the write cache disabled */
    public static BlockRequest writeZeroes(UUID ns, int blockSize, long slba, int nlb, boolean fua) {
        return new BlockRequest(BlockOp.WRITE_ZEROES, ns, blockSize, slba, nlb, fua, null, null);
    }

    /** @param data {@code nlb * blockSize} bytes to compare with the stored blocks */
    public static BlockRequest compare(UUID ns, int blockSize, long slba, int nlb, Buffer data) {
        return new BlockRequest(BlockOp.COMPARE, ns, blockSize, slba, nlb, false, data, null);
    }

    public static BlockRequest verify(UUID ns, int blockSize, long slba, int nlb) {
        return new BlockRequest(BlockOp.VERIFY, ns, blockSize, slba, nlb, false, null, null);
    }

    /** @param compareThenWrite the compare data followed by the write data, {@code 2 * nlb * blockSize} bytes */
    public static BlockRequest compareAndWrite(UUID ns, int blockSize, long slba, int nlb, boolean fua, Buffer compareThenWrite) {
        return new BlockRequest(BlockOp.COMPARE_AND_WRITE, ns, blockSize, slba, nlb, fua, compareThenWrite, null);
    }

    /** @param ranges pairs {slba, nlb} */
    public static BlockRequest deallocate(UUID ns, int blockSize, long[] ranges) {
        return deallocate(ns, blockSize, ranges, false);
    }

    /**
     * @param ranges pairs {slba, nlb}
     * @param fua    durable (WAL synced) before the reply: the Volatile Write Cache disabled (Dataset Management has
     *               no FUA bit)
     */
    public static BlockRequest deallocate(UUID ns, int blockSize, long[] ranges, boolean fua) {
        return new BlockRequest(BlockOp.DEALLOCATE, ns, blockSize, 0, 0, fua, null, ranges);
    }
}

package io.nvmegate.blockio;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * A block I/O request from a gateway to the block worker owning namespace {@code namespace}, sent on the event
 * bus to {@code "nvmegate.block.<namespace uuid>"} (see {@link io.nvmegate.catalog.NamespaceSpec#address()}).
 * The gateway has already checked the LBA range; the reply is a {@link BlockReply}.
 *
 * @param op        the operation
 * @param namespace namespace UUID (storage key)
 * @param blockSize logical block size in bytes (512 or 4096)
 * @param slba      first logical block
 * @param nlb       number of logical blocks (1-based)
 * @param fua       Force Unit Access: for WRITE, durable (WAL synced) before the reply
 * @param data      WRITE and COMPARE payload, {@code nlb * blockSize} bytes; COMPARE_AND_WRITE: compare then write
 *                  data, {@code 2 * nlb * blockSize} bytes; {@code null} otherwise
 * @param ranges    DEALLOCATE ranges as pairs {slba, nlb}; {@code null} otherwise
 * @param host      128-bit host identifier of the controller that issued the command, for the reservation access
 *                  check and the reservation commands; {@code null} for requests of the gateway itself (e.g. the
 *                  flush of a controller shutdown), which are not checked
 * @param cntlid    CNTLID of that controller (0 when {@code host} is null)
 *
 * <p>Reservation operations ({@code RESERVATION_*}) reuse {@code slba} for the command's CDW10 and {@code nlb}
 * for its CDW11; {@code data} is the command's data (Register / Acquire 16 bytes, Release 8 bytes).
 */
public record BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data,
                           long[] ranges, UUID host, int cntlid) {
    /** A request without host (not subject to reservations). */
    public BlockRequest(BlockOp op, UUID namespace, int blockSize, long slba, int nlb, boolean fua, Buffer data, long[] ranges) {
        this(op, namespace, blockSize, slba, nlb, fua, data, ranges, null, 0);
    }

    /** @return this request issued by controller {@code cntlid} of host {@code host} */
    public BlockRequest withHost(UUID host, int cntlid) {
        return new BlockRequest(op, namespace, blockSize, slba, nlb, fua, data, ranges, host, cntlid);
    }

    /**
     * A reservation command ({@code op} one of the {@code RESERVATION_*} operations) from controller {@code cntlid}
     * of host {@code host}.
     */
    public static BlockRequest reservation(BlockOp op, UUID ns, int cdw10, int cdw11, Buffer data, UUID host, int cntlid) {
        return new BlockRequest(op, ns, 0, Integer.toUnsignedLong(cdw10), cdw11, false, data, null, host, cntlid);
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
        return new BlockRequest(BlockOp.WRITE_ZEROES, ns, blockSize, slba, nlb, false, null, null);
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
        return new BlockRequest(BlockOp.DEALLOCATE, ns, blockSize, 0, 0, false, null, ranges);
    }
}

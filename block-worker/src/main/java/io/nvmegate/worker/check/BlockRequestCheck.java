package io.nvmegate.worker.check;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.LbaRange;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.reservation.ReservationEngine;
import io.vertx.core.buffer.Buffer;

/**
 * The one validation of a block request on the worker, at entry, before it is routed: the fields each op uses
 * ({@link BlockRequest}, {@link BlockOp}) and the LBA range rule ({@link LbaRange}), against the namespace the
 * request was sent to. Nothing after it re-checks ranges or lengths.
 *
 * <ul>
 *   <li>Namespace Not Ready: the request names another namespace than the address it was sent to.</li>
 *   <li>Invalid Field in Command | DNR: block size other than the namespace's; NLB outside 1..{@link LbaRange#MAX_NLB};
 *       data length not {@code nlb * blockSize} (WRITE, COMPARE) or {@code 2 * nlb * blockSize}
 *       (COMPARE_AND_WRITE); DEALLOCATE without ranges or with an odd count; a reservation op without a host
 *       (all but RESERVATION_PERSISTENCE and CONTROLLER_GONE) or with less data than {@link BlockOp} lists.</li>
 *   <li>LBA Out of Range | DNR: a range beyond NSZE ({@link NamespaceSpec#blocks()}), SLBA ≥ 2^63 included.</li>
 * </ul>
 * Used by the RF 1 request path (through {@code worker.RequestCheck}) and by the replicated state machine
 * ({@code io.nvmegate.replication}), which re-checks each Raft log entry against the namespace when it applies it;
 * its own package so that neither depends on the other.
 */
public final class BlockRequestCheck {
    private BlockRequestCheck() {}

    private static final int INVALID = Status.dnr(Status.INVALID_FIELD);

    /** @return {@code Status.SUCCESS}, or the status to reply without going further */
    public static int check(NamespaceSpec ns, BlockRequest r) {
        if (!ns.uuid().equals(r.namespace())) return Status.NAMESPACE_NOT_READY;
        switch (r.op()) {
            case FLUSH:
            case CONTROLLER_GONE:
                return Status.SUCCESS;
            case READ:
            case VERIFY:
            case WRITE_ZEROES:
                return blocks(ns, r, 0);
            case WRITE:
            case COMPARE:
                return blocks(ns, r, 1);
            case COMPARE_AND_WRITE:
                return blocks(ns, r, 2);
            case DEALLOCATE:
                return ranges(ns, r);
            case RESERVATION_REGISTER:
                return reservation(r, true, ReservationEngine.REGISTER_DATA);
            case RESERVATION_ACQUIRE:
                return reservation(r, true, ReservationEngine.ACQUIRE_DATA);
            case RESERVATION_RELEASE:
                return reservation(r, true, ReservationEngine.RELEASE_DATA);
            case RESERVATION_REPORT:
                return reservation(r, true, 0);
            case RESERVATION_PERSISTENCE:
                return r.data() == null ? Status.SUCCESS : reservation(r, false, 1);
            default:
                return INVALID;
        }
    }

    /** SLBA/NLB ops; {@code dataCopies}: how many times {@code nlb * blockSize} bytes the data must hold. */
    private static int blocks(NamespaceSpec ns, BlockRequest r, int dataCopies) {
        if (r.blockSize() != ns.blockSize() || r.nlb() < 1 || r.nlb() > LbaRange.MAX_NLB) return INVALID;
        if (dataCopies > 0 && !length(r.data(), dataCopies * LbaRange.bytes(r.nlb(), r.blockSize()))) return INVALID;
        return LbaRange.check(r.slba(), r.nlb(), ns.blocks());
    }

    private static int ranges(NamespaceSpec ns, BlockRequest r) {
        long[] ranges = r.ranges();
        if (r.blockSize() != ns.blockSize() || ranges == null || ranges.length % 2 != 0) return INVALID;
        for (int i = 0; i < ranges.length; i += 2) {
            int s = LbaRange.check(ranges[i], ranges[i + 1], ns.blocks());
            if (s != Status.SUCCESS) return s;
        }
        return Status.SUCCESS;
    }

    private static int reservation(BlockRequest r, boolean needsHost, int minData) {
        if (needsHost && r.host() == null) return INVALID;
        if (minData > 0 && (r.data() == null || r.data().length() < minData)) return INVALID;
        return Status.SUCCESS;
    }

    private static boolean length(Buffer data, long bytes) {
        return data != null && data.length() == bytes;
    }
}

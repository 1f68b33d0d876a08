package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.protocol.Status;
import io.vertx.core.buffer.Buffer;

/**
 * The synchronous form of a namespace's reservation ops: decodes a validated {@link BlockRequest} onto its
 * {@link ReservationEngine} command and runs it, with no I/O, no executor and no notices sent. Both the RF 1 path
 * ({@link NamespaceReservations#execute}, which then persists with PTPL and publishes the notices) and the
 * replicated state machine (which applies it in Raft log order and persists the state with the applied index)
 * use it, so the two cannot drift apart.
 *
 * <p>Request data (little-endian, NVMe Base 2.0 sections 7.2-7.4): Register CRKEY @0, NRKEY @8; Acquire CRKEY @0,
 * PRKEY @8; Release CRKEY @0; Reservation Persistence: data null = Get (reply 1 byte, bit 0 PTPL), 1 byte = Set
 * PTPL to its bit 0. The caller has checked the lengths ({@code worker.RequestCheck}).
 */
public final class ReservationCommands {
    private ReservationCommands() {}

    /**
     * Runs reservation op {@code r} ({@link BlockOp#reservation()}) on {@code engine}.
     *
     * @return the outcome; {@code data} holds the Report, or the PTPL byte of a Get; CONTROLLER_GONE always
     *         succeeds and changes only the CNTLIDs (which are not persisted)
     * @throws IllegalArgumentException if {@code r} is not a reservation op
     */
    public static ReservationOutcome apply(ReservationEngine engine, BlockRequest r) {
        Buffer d = r.data();
        switch (r.op()) {
            case CONTROLLER_GONE:
                engine.state().gone(r.host(), r.cntlid());
                return ReservationOutcome.ok(java.util.List.of(), java.util.Set.of(), false);
            case RESERVATION_REGISTER:
                return engine.register(r.host(), r.cntlid(), r.cdw10(), d.getLongLE(0), d.getLongLE(8));
            case RESERVATION_ACQUIRE:
                return engine.acquire(r.host(), r.cntlid(), r.cdw10(), d.getLongLE(0), d.getLongLE(8));
            case RESERVATION_RELEASE:
                return engine.release(r.host(), r.cntlid(), r.cdw10(), d.getLongLE(0));
            case RESERVATION_REPORT:
                return engine.report(r.host(), r.cntlid(), r.cdw10(), r.cdw11());
            case RESERVATION_PERSISTENCE:
                if (d == null) {
                    return new ReservationOutcome(Status.SUCCESS, new byte[] {(byte) (engine.state().ptpl() ? 1 : 0)},
                            java.util.List.of(), java.util.Set.of(), false);
                }
                return engine.setPersistence((d.getByte(0) & 1) != 0);
            default:
                throw new IllegalArgumentException(r.op() + " is not a reservation op");
        }
    }

    /**
     * The reservation access check of storage op {@code r} (NVM Command Set 1.0 Figure 5): Read/Compare/Verify are
     * the read group, Write/Write Zeroes/Deallocate/Flush/Compare and Write the write group. A request without
     * host (the gateway's own) is not checked.
     *
     * @param remember whether to record {@code r}'s CNTLID for its registrant's Reservation Report entries (only
     *                 where every replica sees the same requests: the RF 1 owner, or a Raft log entry)
     * @return {@code Status.SUCCESS}, or Reservation Conflict | DNR (SCT 0 SC 83h)
     */
    public static int check(ReservationState s, BlockRequest r, boolean remember) {
        if (r.host() == null) return Status.SUCCESS;
        if (remember) s.seen(r.host(), r.cntlid());
        return s.allows(r.host(), access(r.op())) ? Status.SUCCESS : Status.dnr(Status.RESERVATION_CONFLICT);
    }

    static ReservationType.Access access(BlockOp op) {
        switch (op) {
            case READ:
            case COMPARE:
            case VERIFY:
                return ReservationType.Access.READ;
            case WRITE:
            case WRITE_ZEROES:
            case DEALLOCATE:
            case FLUSH:
            case COMPARE_AND_WRITE:
                return ReservationType.Access.WRITE;
            default:
                return ReservationType.Access.OTHER;
        }
    }
}

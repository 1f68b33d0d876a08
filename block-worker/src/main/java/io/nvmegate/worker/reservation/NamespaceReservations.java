package io.nvmegate.worker.reservation;

import io.nvmegate.worker.BlockWorker;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.worker.reservation.ReservationEngine;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.worker.reservation.ReservationOutcome;
import io.nvmegate.worker.reservation.ReservationState;
import io.nvmegate.worker.reservation.ReservationType;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationEvents;
import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The reservations of a block worker's namespaces (NVMe Base 2.0 section 8.19): one {@link ReservationEngine} per
 * served namespace, so every gateway of the cluster sees one truth. Everything but storage runs on the worker
 * verticle's event loop, in the order requests arrive.
 *
 * <ul>
 *   <li>{@link #check}: the access check of every block request carrying a host (NVM Command Set 1.0 Figure 5):
 *       Read/Compare/Verify are the read group, Write/Write Zeroes/Deallocate/Flush/Compare and Write the write
 *       group; a denied request gets Reservation Conflict | DNR (SCT 0 SC 83h) without touching the store.</li>
 *   <li>{@link #execute}: the {@code RESERVATION_*} operations and {@code CONTROLLER_GONE}. Notifications are
 *       published on {@link ReservationEvents#ADDRESS}.</li>
 *   <li>Persistence: namespaces with backend {@code rocksdb} support PTPL (RESCAP bit 0). While PTPL is set, the
 *       state is written (WAL fsynced, on the ordered storage executor) after each change and before the reply,
 *       and loaded when the worker starts serving the namespace; clearing PTPL deletes the stored copy, so a
 *       restart (the worker's "power loss") starts with no registrants (section 8.19.9).</li>
 *   <li>Preempt and Abort: commands of the preempted hosts that reach the worker after the preempt are checked
 *       against the new state (Reservation Conflict where the reservation type denies them). Commands already
 *       handed to the storage executor cannot be taken back: they complete; no command is aborted.</li>
 * </ul>
 */
public final class NamespaceReservations {
    private static final Logger log = LoggerFactory.getLogger(NamespaceReservations.class);

    private final String workerId;
    private final Vertx vertx;
    private final Map<UUID, Entry> byNamespace = new ConcurrentHashMap<>();

    private static final class Entry {
        final ReservationEngine engine;
        boolean stored;

        Entry(ReservationEngine engine, boolean stored) {
            this.engine = engine;
            this.stored = stored;
        }
    }

    public NamespaceReservations(String workerId, Vertx vertx) {
        this.workerId = workerId;
        this.vertx = vertx;
    }

    /**
     * Blocking: the state of a newly served namespace, from RocksDB if it was stored with PTPL, else empty.
     * A stored state that cannot be decoded is logged and dropped (the namespace starts without reservations).
     */
    public void load(NamespaceSpec ns, RocksDbBlockStore rocks) {
        if (byNamespace.containsKey(ns.uuid())) return;
        boolean persistent = BlockWorker.BACKEND_ROCKSDB.equals(ns.backend()) && rocks != null;
        ReservationState state = new ReservationState();
        boolean stored = false;
        if (persistent) {
            byte[] b = rocks.reservationState(ns.uuid());
            if (b != null) {
                try {
                    state = ReservationState.decode(b);
                    stored = true;
                    log.info("block worker {}: namespace {} (nsid {}): reservation state restored (PTPL): {} registrant(s), type {}, generation {}",
                            workerId, ns.uuid(), ns.nsid(), state.registrants().size(), state.type(), state.generation());
                } catch (IllegalArgumentException e) {
                    log.warn("block worker {}: namespace {}: stored reservation state unreadable, dropped: {}", workerId, ns.uuid(), e.getMessage());
                }
            }
        }
        byNamespace.put(ns.uuid(), new Entry(new ReservationEngine(state, persistent), stored));
    }

    /** The namespace is no longer served: its in-memory state goes (a stored PTPL copy stays). */
    public void unload(UUID ns) {
        byNamespace.remove(ns);
    }

    /** @return whether {@code op} is one of the operations {@link #execute} handles */
    public static boolean handles(BlockOp op) {
        switch (op) {
            case RESERVATION_REGISTER:
            case RESERVATION_ACQUIRE:
            case RESERVATION_RELEASE:
            case RESERVATION_REPORT:
            case RESERVATION_PERSISTENCE:
            case CONTROLLER_GONE:
                return true;
            default:
                return false;
        }
    }

    /** @return {@code Status.SUCCESS}, or Reservation Conflict | DNR if the reservation denies {@code r}'s host */
    public int check(NamespaceSpec ns, BlockRequest r) {
        if (r.host() == null) return Status.SUCCESS;
        Entry e = byNamespace.get(ns.uuid());
        if (e == null) return Status.SUCCESS;
        ReservationState s = e.engine.state();
        s.seen(r.host(), r.cntlid());
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

    /**
     * Runs a reservation operation; the reply carries its status (Invalid Field | DNR for a request without host
     * or with short data) and, for a Report / Get PTPL, its data.
     *
     * @param storage the ordered executor for RocksDB writes; {@code rocks} supplies the open store
     */
    public Future<BlockReply> execute(NamespaceSpec ns, BlockRequest r, WorkerExecutor storage, Supplier<RocksDbBlockStore> rocks) {
        Entry e = byNamespace.get(ns.uuid());
        if (e == null) return Future.succeededFuture(new BlockReply(Status.NAMESPACE_NOT_READY, null));
        ReservationEngine engine = e.engine;
        int cdw10 = (int) r.slba();
        Buffer d = r.data();
        if (r.op() == BlockOp.CONTROLLER_GONE) {
            engine.state().gone(r.host(), r.cntlid());
            return Future.succeededFuture(BlockReply.OK);
        }
        if (r.op() == BlockOp.RESERVATION_PERSISTENCE && d == null) {
            return Future.succeededFuture(new BlockReply(Status.SUCCESS, Buffer.buffer(new byte[] {(byte) (engine.state().ptpl() ? 1 : 0)})));
        }
        int need = r.op() == BlockOp.RESERVATION_RELEASE ? ReservationEngine.RELEASE_DATA
                : r.op() == BlockOp.RESERVATION_PERSISTENCE || r.op() == BlockOp.RESERVATION_REPORT ? 0 : ReservationEngine.REGISTER_DATA;
        if ((r.host() == null && r.op() != BlockOp.RESERVATION_PERSISTENCE) || (need > 0 && (d == null || d.length() < need))) {
            return Future.succeededFuture(new BlockReply(Status.dnr(Status.INVALID_FIELD), null));
        }
        boolean ptplBefore = engine.state().ptpl();
        ReservationOutcome o;
        switch (r.op()) {
            case RESERVATION_REGISTER:
                o = engine.register(r.host(), r.cntlid(), cdw10, d.getLongLE(0), d.getLongLE(8));
                break;
            case RESERVATION_ACQUIRE:
                o = engine.acquire(r.host(), r.cntlid(), cdw10, d.getLongLE(0), d.getLongLE(8));
                break;
            case RESERVATION_RELEASE:
                o = engine.release(r.host(), r.cntlid(), cdw10, d.getLongLE(0));
                break;
            case RESERVATION_REPORT:
                o = engine.report(r.host(), r.cntlid(), cdw10, r.nlb());
                break;
            default:
                o = engine.setPersistence(d.length() > 0 && (d.getByte(0) & 1) != 0);
                break;
        }
        for (ReservationNotice n : o.notices()) {
            vertx.eventBus().publish(ReservationEvents.ADDRESS, ReservationEvents.encode(ns.subsystemNqn(), ns.nsid(), n));
        }
        if (!o.aborted().isEmpty()) {
            log.info("block worker {}: namespace {} (nsid {}): preempt and abort of host(s) {}: their later commands are checked against the new reservation",
                    workerId, ns.uuid(), ns.nsid(), o.aborted());
        }
        BlockReply reply = new BlockReply(o.status(), o.data() == null ? null : Buffer.buffer(o.data()));
        ReservationState s = engine.state();
        boolean write = o.succeeded() && (s.ptpl() ? o.persist() || !ptplBefore || !e.stored : e.stored);
        RocksDbBlockStore store = rocks.get();
        if (!write || store == null) return Future.succeededFuture(reply);
        byte[] snapshot = s.ptpl() ? s.encode() : null;
        e.stored = snapshot != null;
        return storage.executeBlocking(() -> {
            store.putReservationState(ns.uuid(), snapshot);
            return reply;
        }, true).recover(t -> {
            log.warn("block worker {}: namespace {}: storing the reservation state failed: {}", workerId, ns.uuid(), t.toString());
            return Future.succeededFuture(new BlockReply(Status.INTERNAL_ERROR, null));
        });
    }
}

package io.nvmegate.worker.reservation;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.ReservationStateStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reservations of a block worker's namespaces (NVMe Base 2.0 section 8.19): one {@link ReservationEngine} per
 * served namespace, so every gateway of the cluster sees one truth. The package's contract with the worker is in
 * its {@code package-info}; in short:
 *
 * <ul>
 *   <li>{@link #load} / {@link #unload}: the worker starts / stops serving a namespace.</li>
 *   <li>{@link #check}: the access check of every block request carrying a host (NVM Command Set 1.0 Figure 5):
 *       Read/Compare/Verify are the read group, Write/Write Zeroes/Deallocate/Flush/Compare and Write the write
 *       group; a denied request gets Reservation Conflict | DNR (SCT 0 SC 83h) without touching the store.</li>
 *   <li>{@link #execute}: the {@code RESERVATION_*} operations and {@code CONTROLLER_GONE}, already validated by
 *       the worker (host present, data lengths). Notifications go to the {@link NoticePublisher}.</li>
 *   <li>Persistence: namespaces loaded with a {@link ReservationStateStore} support PTPL (RESCAP bit 0). While
 *       PTPL is set, the state is written (synced, on the ordered storage executor) after each change and before
 *       the reply, and loaded when the worker starts serving the namespace; clearing PTPL deletes the stored
 *       copy, so a restart (the worker's "power loss") starts with no registrants (section 8.19.9).</li>
 *   <li>Preempt and Abort: commands of the preempted hosts that reach the worker after the preempt are checked
 *       against the new state (Reservation Conflict where the reservation type denies them). Commands already
 *       handed to the storage executor cannot be taken back: they complete; no command is aborted.</li>
 * </ul>
 * Threads: {@link #execute} runs on the worker verticle's event loop, in the order requests arrive (so the
 * persistent copies are written in that order, on the executor ordered by that context); {@link #check} runs on
 * that event loop for event-bus requests and on a gateway's event loop for same-process calls
 * ({@link io.nvmegate.blockio.LocalBlockHandlers}). The engines are not thread-safe: both hold the namespace's
 * entry lock while they read or change its state (uncontended but for those two). {@link #load} blocks (it reads
 * the store) and runs on a storage thread.
 */
public final class NamespaceReservations {
    private static final Logger log = LoggerFactory.getLogger(NamespaceReservations.class);

    /** Where notices go: the worker publishes them to every gateway ({@link io.nvmegate.blockio.ReservationEvents}). */
    @FunctionalInterface
    public interface NoticePublisher {
        void publish(NamespaceSpec ns, ReservationNotice notice);
    }

    private final String workerId;
    private final NoticePublisher notices;
    private final Map<UUID, Entry> byNamespace = new ConcurrentHashMap<>();

    /** One namespace: its engine, where its state persists (null: no PTPL), whether a copy is stored now. */
    private static final class Entry {
        final ReservationEngine engine;
        final ReservationStateStore persistence;
        boolean stored;

        Entry(ReservationEngine engine, ReservationStateStore persistence, boolean stored) {
            this.engine = engine;
            this.persistence = persistence;
            this.stored = stored;
        }
    }

    public NamespaceReservations(String workerId, NoticePublisher notices) {
        this.workerId = workerId;
        this.notices = notices;
    }

    /**
     * Blocking: the state of a newly served namespace, from {@code persistence} if it was stored with PTPL, else
     * empty. A stored state that cannot be decoded is logged and dropped (the namespace starts without
     * reservations). A namespace already loaded keeps its state.
     *
     * @param persistence where the state persists with PTPL; null if the namespace's data does not survive a
     *                    restart (then PTPL is not supported: Set PTPL fails with Invalid Field | DNR)
     */
    public void load(NamespaceSpec ns, ReservationStateStore persistence) {
        if (byNamespace.containsKey(ns.uuid())) return;
        ReservationState state = new ReservationState();
        boolean stored = false;
        byte[] b = persistence == null ? null : persistence.reservationState(ns.uuid());
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
        byNamespace.put(ns.uuid(), new Entry(new ReservationEngine(state, persistence != null), persistence, stored));
    }

    /** The namespace is no longer served: its in-memory state goes (a stored PTPL copy stays). */
    public void unload(UUID ns) {
        byNamespace.remove(ns);
    }

    /**
     * The access check of a block request (not a reservation op). Remembers the CNTLID of a registrant's
     * controller for the Reservation Report.
     *
     * @return {@code Status.SUCCESS}, or Reservation Conflict | DNR if the reservation denies {@code r}'s host
     */
    public int check(NamespaceSpec ns, BlockRequest r) {
        if (r.host() == null) return Status.SUCCESS;
        Entry e = byNamespace.get(ns.uuid());
        if (e == null) return Status.SUCCESS;
        synchronized (e) {
            return ReservationCommands.check(e.engine.state(), r, true);
        }
    }

    /**
     * Runs a reservation operation ({@link BlockOp#reservation()}); the reply carries its status and, for a
     * Report / Get PTPL, its data. The worker has validated {@code r}: a host for every op but
     * RESERVATION_PERSISTENCE, and the data lengths of {@link BlockOp}.
     *
     * @param storage the executor for writes of the persistent copy, used ordered
     * @return the reply; Namespace Not Ready if {@code ns} is not loaded, Internal Error if storing the state failed
     */
    public Future<BlockReply> execute(NamespaceSpec ns, BlockRequest r, WorkerExecutor storage) {
        Entry e = byNamespace.get(ns.uuid());
        if (e == null) return Future.succeededFuture(BlockReply.status(Status.NAMESPACE_NOT_READY));
        synchronized (e) { // against check() of a same-process gateway's event loop
            return executeLocked(ns, e, r, storage);
        }
    }

    private Future<BlockReply> executeLocked(NamespaceSpec ns, Entry e, BlockRequest r, WorkerExecutor storage) {
        ReservationEngine engine = e.engine;
        boolean ptplBefore = engine.state().ptpl();
        ReservationOutcome o = ReservationCommands.apply(engine, r);
        if (r.op() == BlockOp.CONTROLLER_GONE) return Future.succeededFuture(BlockReply.OK);
        if (r.op() == BlockOp.RESERVATION_PERSISTENCE && r.data() == null) {
            return Future.succeededFuture(new BlockReply(o.status(), Buffer.buffer(o.data())));
        }
        for (ReservationNotice n : o.notices()) notices.publish(ns, n);
        if (!o.aborted().isEmpty()) {
            log.info("block worker {}: namespace {} (nsid {}): preempt and abort of host(s) {}: their later commands are checked against the new reservation",
                    workerId, ns.uuid(), ns.nsid(), o.aborted());
        }
        BlockReply reply = new BlockReply(o.status(), o.data() == null ? null : Buffer.buffer(o.data()));
        return persist(ns, e, o, ptplBefore, storage).map(stored -> stored ? reply : BlockReply.status(Status.INTERNAL_ERROR));
    }

    /**
     * Writes or deletes the persistent copy when the outcome requires it: while PTPL is set after every state
     * change (and when PTPL was just set), and once more to delete the copy when PTPL was cleared.
     *
     * @return true if nothing had to be stored or storing succeeded
     */
    private Future<Boolean> persist(NamespaceSpec ns, Entry e, ReservationOutcome o, boolean ptplBefore, WorkerExecutor storage) {
        ReservationState s = e.engine.state();
        boolean write = o.succeeded() && (s.ptpl() ? o.persist() || !ptplBefore || !e.stored : e.stored);
        if (!write || e.persistence == null) return Future.succeededFuture(true);
        byte[] snapshot = s.ptpl() ? s.encode() : null;
        e.stored = snapshot != null;
        return storage.executeBlocking(() -> {
            e.persistence.putReservationState(ns.uuid(), snapshot);
            return true;
        }, true).recover(t -> {
            log.warn("block worker {}: namespace {}: storing the reservation state failed: {}", workerId, ns.uuid(), t.toString());
            return Future.succeededFuture(false);
        });
    }
}

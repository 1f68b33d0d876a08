package io.nvmegate.replication;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.AppliedStateStore;
import io.nvmegate.storage.BlockStore;
import io.nvmegate.storage.NullBlockStore;
import io.nvmegate.storage.ReplicaStateKeys;
import io.nvmegate.storage.StateWrites;
import io.nvmegate.worker.check.BlockRequestCheck;
import io.nvmegate.worker.reservation.NamespaceReservations;
import io.nvmegate.worker.reservation.ReservationCommands;
import io.nvmegate.worker.reservation.ReservationEngine;
import io.nvmegate.worker.reservation.ReservationOutcome;
import io.nvmegate.worker.reservation.ReservationState;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The deterministic apply of one replicated namespace's Raft log entries (its state: blocks in the store, the
 * request-ID dedupe, the reservation state, the applied index), and its linearizable reads. Every replica applies
 * the same entries in the same log order and reaches the same state; nothing here depends on the clock, the
 * replica or the thread.
 *
 * <p>Apply of the entry at (term, index) carrying request {@code r}:
 * <ol>
 *   <li>Dedupe: {@code r}'s request ID already applied → its first reply, nothing else happens.</li>
 *   <li>{@link BlockRequestCheck} against the namespace (Invalid Field / LBA Out of Range / Namespace Not Ready).</li>
 *   <li>Reservation ops ({@link ReservationCommands}, synchronous); storage ops pass the reservation access check
 *       first (Reservation Conflict | DNR, NVM Command Set 1.0 Figure 5).</li>
 *   <li>Storage op: WRITE, WRITE_ZEROES, DEALLOCATE; COMPARE_AND_WRITE reads, compares (Compare Failure) and
 *       writes within the one apply, so no other write can come between (NVMe Base 2.0 section 3.4.2: atomic);
 *       FLUSH is a successful no-op: the entry is committed, i.e. in the fsynced Raft log of a majority, and so
 *       is every entry before it. FUA likewise needs nothing more (the block write itself is not synced).</li>
 *   <li>One {@code WriteBatch} ({@link AppliedStateStore}) holds the block change, the applied index, the dedupe
 *       slot and the reservation state if it changed; ops that change no block write the state alone.</li>
 * </ol>
 * A store failure is thrown: the entry is committed, so answering it with an error would let the replicas
 * diverge; Ratis stops applying on this replica instead (it must be repaired or re-added).
 *
 * <p>Where the state persists: with an {@link AppliedStateStore} (RocksDB) in the store, as above; with the
 * {@link NullBlockStore} (no data kept) only in memory and in the snapshot file ({@link NamespaceSnapshot}), so a
 * restart replays the log after the snapshot. Reservations of a replicated namespace are always replicated state
 * and persisted with the applied index, whatever PTPL says: a replica restart is not a power loss of the
 * namespace, which lives while a majority does. CNTLIDs seen for registrants are not persisted (as with PTPL).
 *
 * <p>Threads: {@link #apply} on the state machine's apply thread only; {@link #query} on any thread, concurrently
 * with it (each store write is atomic; the reservation state is read under its lock).
 */
final class ReplicatedApply {
    private static final Logger log = LoggerFactory.getLogger(ReplicatedApply.class);

    private final UUID namespace;
    private final Supplier<NamespaceSpec> spec;
    private final BlockStore store;
    /** The store when it persists state with the blocks, else null (null backend: snapshot only). */
    private final AppliedStateStore durable;
    private final NamespaceReservations.NoticePublisher notices;
    private final RequestDedupe dedupe = new RequestDedupe();
    /** Guards {@link #engine} (apply mutates it, queries read it). */
    private final Object reservationLock = new Object();
    private ReservationEngine engine;

    /**
     * @param notices where reservation notices go (only for entries applied while this replica is the leader), or
     *                null
     * @throws IllegalArgumentException for a store that is neither an {@link AppliedStateStore} nor the
     *                                  {@link NullBlockStore} (its data would not match a restored applied index)
     */
    ReplicatedApply(UUID namespace, Supplier<NamespaceSpec> spec, BlockStore store, NamespaceReservations.NoticePublisher notices) {
        if (!(store instanceof AppliedStateStore) && !(store instanceof NullBlockStore)) {
            throw new IllegalArgumentException("a replicated namespace needs the rocksdb or null backend, not "
                    + store.getClass().getSimpleName());
        }
        this.namespace = namespace;
        this.spec = spec;
        this.store = store;
        this.durable = store instanceof AppliedStateStore a ? a : null;
        this.notices = notices;
        this.engine = new ReservationEngine(new ReservationState(), durable != null);
    }

    /** @return whether the state persists in the store with the applied index (else only in snapshots) */
    boolean durable() { return durable != null; }

    /** The applied index as stored: term and log index. */
    record Applied(long term, long index) {}

    /**
     * Restores the state persisted in the store: reservation state and dedupe slots.
     *
     * @return the stored applied index, or null if none is stored (nothing applied yet, or not durable)
     */
    Applied restore() {
        if (durable == null) return null;
        byte[] a = durable.getState(ReplicaStateKeys.appliedIndex(namespace));
        byte[] rs = durable.getState(ReplicaStateKeys.reservation(namespace));
        ReservationState state = rs == null ? new ReservationState() : ReservationState.decode(rs);
        synchronized (reservationLock) {
            engine = new ReservationEngine(state, true);
        }
        dedupe.clear();
        java.util.List<RequestDedupe.Slot> slots = new java.util.ArrayList<>();
        durable.scanState(ReplicaStateKeys.dedupe(namespace, 0), ReplicaStateKeys.dedupeEnd(namespace),
                (k, v) -> slots.add(RequestDedupe.decode(v)));
        slots.sort(java.util.Comparator.comparingLong(RequestDedupe.Slot::index)); // older first: the same map as applying them
        for (RequestDedupe.Slot e : slots) dedupe.restore(e);
        if (a == null) return null;
        ByteBuffer b = ByteBuffer.wrap(a);
        return new Applied(b.getLong(), b.getLong());
    }

    /** Restores from a snapshot file's contents (the null backend, whose state is not in a store). */
    void restore(NamespaceSnapshot s) {
        synchronized (reservationLock) {
            engine = new ReservationEngine(s.reservations() == null ? new ReservationState() : ReservationState.decode(s.reservations()),
                    durable != null);
        }
        dedupe.clear();
        for (RequestDedupe.Slot e : s.dedupe()) dedupe.restore(e);
    }

    /** @return the state to put in a snapshot file at applied (term, index) */
    NamespaceSnapshot snapshot(long term, long index) {
        java.util.List<RequestDedupe.Slot> slots = new java.util.ArrayList<>(dedupe.size());
        dedupe.forEach((i, e) -> slots.add(e));
        byte[] rs;
        synchronized (reservationLock) {
            rs = engine.state().encode();
        }
        return new NamespaceSnapshot(term, index, rs, slots);
    }

    /**
     * Stores applied index (term, index) alone, WAL fsynced: every effect applied so far is durable afterwards.
     * Called before a snapshot records that index, so the store never lags a snapshot (Ratis may purge the log up
     * to it). No-op when not durable.
     */
    void persistApplied(long term, long index) {
        if (durable == null) return;
        durable.writeState(new StateWrites().put(ReplicaStateKeys.appliedIndex(namespace), ReplicaStateKeys.appliedIndexValue(term, index)), true);
    }

    /** @return the reservation state (a copy, for tests and diagnostics) */
    ReservationState reservations() {
        synchronized (reservationLock) {
            return ReservationState.decode(engine.state().encode());
        }
    }

    /** @return the number of remembered request IDs */
    int dedupeSize() { return dedupe.size(); }

    /**
     * Applies the log entry at ({@code term}, {@code index}) carrying {@code r}.
     *
     * @param leader whether this replica is the leader (then reservation notices are published)
     * @return the reply (the first reply for a repeated request ID)
     * @throws io.nvmegate.storage.StorageException if the store fails (see the class comment)
     */
    BlockReply apply(BlockRequest r, long term, long index, boolean leader) {
        BlockReply first = dedupe.reply(r.requestId());
        if (first != null) return first;
        StateWrites w = new StateWrites();
        w.put(ReplicaStateKeys.appliedIndex(namespace), ReplicaStateKeys.appliedIndexValue(term, index));
        int status = r.op() == null ? Status.dnr(Status.INVALID_FIELD) : BlockRequestCheck.check(spec.get(), r);
        BlockReply reply;
        java.util.List<ReservationNotice> sent = java.util.List.of();
        if (status != Status.SUCCESS) {
            reply = BlockReply.status(status);
            stateOnly(r, index, reply, w);
        } else if (r.op().reservation()) {
            ReservationOutcome o;
            synchronized (reservationLock) {
                o = ReservationCommands.apply(engine, r);
                if (o.persist()) w.put(ReplicaStateKeys.reservation(namespace), engine.state().encode());
            }
            reply = new BlockReply(o.status(), o.data() == null ? null : Buffer.buffer(o.data()));
            stateOnly(r, index, reply, w);
            sent = o.notices();
        } else {
            int access;
            synchronized (reservationLock) {
                access = ReservationCommands.check(engine.state(), r, true);
            }
            reply = access != Status.SUCCESS ? BlockReply.status(access) : storage(r, index, w);
        }
        if (r.requestId() != null) dedupe.record(index, r.requestId(), reply);
        if (leader && notices != null && !sent.isEmpty()) {
            NamespaceSpec ns = spec.get();
            for (ReservationNotice n : sent) notices.publish(ns, n);
        }
        return reply;
    }

    /** Adds the dedupe slot of {@code r} (if it has a request ID) to {@code w}. */
    private void addDedupe(BlockRequest r, long index, BlockReply reply, StateWrites w) {
        if (r.requestId() == null) return;
        w.put(ReplicaStateKeys.dedupe(namespace, RequestDedupe.slot(index)),
                RequestDedupe.encode(new RequestDedupe.Slot(index, r.requestId(), reply)));
    }

    /** Writes the state of an entry that changes no block. */
    private void stateOnly(BlockRequest r, long index, BlockReply reply, StateWrites w) {
        if (durable == null) return;
        addDedupe(r, index, reply, w);
        durable.writeState(w, false);
    }

    private BlockReply storage(BlockRequest r, long index, StateWrites w) {
        UUID ns = r.namespace();
        switch (r.op()) {
            case WRITE:
                addDedupe(r, index, BlockReply.OK, w);
                if (durable != null) durable.write(ns, r.blockSize(), r.slba(), r.nlb(), r.data(), false, w);
                else store.write(ns, r.blockSize(), r.slba(), r.nlb(), r.data(), false);
                return BlockReply.OK;
            case WRITE_ZEROES:
                addDedupe(r, index, BlockReply.OK, w);
                if (durable != null) durable.writeZeroes(ns, r.blockSize(), r.slba(), r.nlb(), w);
                else store.writeZeroes(ns, r.blockSize(), r.slba(), r.nlb());
                return BlockReply.OK;
            case DEALLOCATE:
                addDedupe(r, index, BlockReply.OK, w);
                if (durable != null) durable.deallocate(ns, r.blockSize(), r.ranges(), w);
                else store.deallocate(ns, r.blockSize(), r.ranges());
                return BlockReply.OK;
            case COMPARE_AND_WRITE: {
                int len = r.nlb() * r.blockSize();
                Buffer stored = store.read(ns, r.blockSize(), r.slba(), r.nlb());
                if (!equal(stored, r.data())) {
                    BlockReply failed = BlockReply.status(Status.COMPARE_FAILURE);
                    stateOnly(r, index, failed, w);
                    return failed;
                }
                addDedupe(r, index, BlockReply.OK, w);
                Buffer data = r.data().slice(len, 2 * len);
                if (durable != null) durable.write(ns, r.blockSize(), r.slba(), r.nlb(), data, false, w);
                else store.write(ns, r.blockSize(), r.slba(), r.nlb(), data, false);
                return BlockReply.OK;
            }
            case FLUSH: {
                stateOnly(r, index, BlockReply.OK, w);
                return BlockReply.OK;
            }
            default: { // READ / COMPARE / VERIFY sent as a log entry: answered as a query, in log order
                BlockReply reply = read(r);
                stateOnly(r, index, reply, w);
                return reply;
            }
        }
    }

    /**
     * A linearizable read (Ratis has ensured the read index / leader lease): READ, COMPARE or VERIFY, after the
     * request check and the reservation access check (without recording CNTLIDs: only log entries change state).
     *
     * @return the reply; another op → Invalid Field | DNR
     */
    BlockReply query(BlockRequest r) {
        if (r.op() == null || !readOnly(r.op())) return BlockReply.status(Status.dnr(Status.INVALID_FIELD));
        int status = BlockRequestCheck.check(spec.get(), r);
        if (status != Status.SUCCESS) return BlockReply.status(status);
        int access;
        synchronized (reservationLock) {
            access = ReservationCommands.check(engine.state(), r, false);
        }
        return access != Status.SUCCESS ? BlockReply.status(access) : read(r);
    }

    private BlockReply read(BlockRequest r) {
        switch (r.op()) {
            case READ:
                return new BlockReply(Status.SUCCESS, store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb()));
            case COMPARE: {
                Buffer stored = store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb());
                return BlockReply.status(equal(stored, r.data()) ? Status.SUCCESS : Status.COMPARE_FAILURE);
            }
            case VERIFY:
                store.read(r.namespace(), r.blockSize(), r.slba(), r.nlb());
                return BlockReply.OK;
            default:
                return BlockReply.status(Status.dnr(Status.INVALID_FIELD));
        }
    }

    /** @return whether {@code op} only reads (READ, COMPARE, VERIFY): Ratis read requests, answered by query */
    static boolean readOnly(BlockOp op) {
        return op == BlockOp.READ || op == BlockOp.COMPARE || op == BlockOp.VERIFY;
    }

    /** @return whether {@code stored} equals the first {@code stored.length()} bytes of {@code data} */
    private static boolean equal(Buffer stored, Buffer data) {
        int n = stored.length();
        int i = 0;
        for (; i + 8 <= n; i += 8) if (stored.getLong(i) != data.getLong(i)) return false;
        for (; i < n; i++) if (stored.getByte(i) != data.getByte(i)) return false;
        return true;
    }
}

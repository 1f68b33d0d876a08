package io.nvmegate.replication;

import io.netty.buffer.Unpooled;
import io.nvmegate.blockio.BlockCodecs;
import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.BlockStore;
import io.nvmegate.worker.reservation.NamespaceReservations;
import io.nvmegate.worker.reservation.ReservationState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The Apache Ratis state machine of one replicated namespace (Raft group ID = namespace UUID): the one place its
 * committed log entries change its state. Raft terms: the <em>term</em> numbers leaderships; the <em>leader</em>
 * appends client requests to the log; an entry is <em>committed</em> once it is in the fsynced log of a majority
 * (commit index); the <em>applied index</em> is the last entry this replica has applied here.
 *
 * <h2>Messages</h2>
 * <ul>
 *   <li>Log entry data and the read request of {@link #query}: {@link BlockCodecs#encode(BlockRequest)} of the
 *       request ({@link #toMessage}); the worker submits WRITE, WRITE_ZEROES, DEALLOCATE, COMPARE_AND_WRITE,
 *       FLUSH, the RESERVATION_* ops and CONTROLLER_GONE as write requests, READ, COMPARE and VERIFY
 *       ({@link #readOnly}) as read requests.</li>
 *   <li>Reply: {@link BlockCodecs#encode(BlockReply)} ({@link #reply(Message)} decodes it).</li>
 * </ul>
 *
 * <h2>Apply</h2>
 * {@link #applyTransaction}: in log order, deterministic, on Ratis's apply thread: request-ID dedupe, request
 * check, reservations, store op, with the applied index in the same RocksDB {@code WriteBatch} (details and
 * statuses: {@link ReplicatedApply}). Entries at or below the restored applied index are skipped, so a restart
 * never re-applies an entry whose effects are in the store (Compare and Write, reservations are not idempotent).
 * Reservation notices are published only for entries applied while this replica is the leader.
 *
 * <h2>Reads</h2>
 * {@link #query}: READ / COMPARE / VERIFY against the store; Ratis calls it after the read index is applied here
 * (linearizable read) or under the leader lease.
 *
 * <h2>Restart and snapshots</h2>
 * <ul>
 *   <li>{@link #initialize}: the applied index stored in RocksDB ({@code ReplicaStateKeys.appliedIndex}) becomes
 *       {@link #getLastAppliedTermIndex()}, with the dedupe slots and the reservation state stored next to it;
 *       Ratis replays the log entries after it. Null backend: the latest snapshot file (its state is nothing
 *       else).</li>
 *   <li>{@link #takeSnapshot}: stores the applied index alone with a WAL fsync (all applied effects durable), then
 *       writes the snapshot file ({@link NamespaceSnapshot}) for it. The blocks are the RocksDB state, not in the
 *       file.</li>
 *   <li>Snapshot install (a replica that needs entries the leader has purged, e.g. a new, empty replica after
 *       the log was purged) is NOT supported for the rocksdb backend: the file does not carry the blocks, and
 *       {@link #reinitialize} after an install fails (IOException) rather than serve a store without them. Run
 *       with {@code raft.server.log.purge.upto.snapshot.index = false} (Ratis then purges only what every
 *       follower has) so a returning replica catches up from the log.</li>
 * </ul>
 * Threads: Ratis calls apply, snapshot and initialize on its apply thread; {@link #query} on any thread.
 */
public final class NamespaceStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(NamespaceStateMachine.class);

    private final UUID namespace;
    private final ReplicatedApply apply;
    private final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
    /**
     * Entries at or below this log index have their effects in the store already (the applied index restored at
     * start). Ratis replays its log from the latest snapshot, which may be older: those entries are skipped.
     */
    private volatile long restoredIndex = RaftLog.INVALID_LOG_INDEX;

    /**
     * @param namespace the namespace UUID (Raft group ID)
     * @param spec      the namespace's current spec (block size, capacity for the request check)
     * @param store     the namespace's store: the worker's RocksDB store (state persisted with the blocks) or the
     *                  null store (state in snapshots only); another store → IllegalArgumentException
     * @param notices   where reservation notices go, only for entries applied while this replica is the leader
     *                  (called on Ratis's apply thread, after the entry's state is written: must not block, e.g.
     *                  an event-bus publish); null: none
     */
    public NamespaceStateMachine(UUID namespace, Supplier<NamespaceSpec> spec, BlockStore store,
                                 NamespaceReservations.NoticePublisher notices) {
        this.namespace = namespace;
        this.apply = new ReplicatedApply(namespace, spec, store, notices);
    }

    /** @return the namespace UUID */
    public UUID namespace() { return namespace; }

    /** @return the Ratis message of {@code r} (log entry data, or a read request) */
    public static Message toMessage(BlockRequest r) {
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(BlockCodecs.encode(r).getBytes()));
    }

    /** @return the reply carried by {@code m} (a reply of {@link #applyTransaction} or {@link #query}) */
    public static BlockReply reply(Message m) {
        return BlockCodecs.decodeReply(buffer(m.getContent()));
    }

    /** @return whether {@code op} is a Raft read request (READ, COMPARE, VERIFY), else a write request */
    public static boolean readOnly(BlockOp op) {
        return ReplicatedApply.readOnly(op);
    }

    /** @return a copy of the namespace's reservation state (diagnostics, tests) */
    public ReservationState reservations() { return apply.reservations(); }

    private static Buffer buffer(ByteString b) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(b.asReadOnlyByteBuffer()));
    }

    private static Message message(BlockReply r) {
        Buffer b = BlockCodecs.encode(r);
        return Message.valueOf(UnsafeByteOperations.unsafeWrap(b.getBytes()));
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        snapshots.init(raftStorage);
        restore(snapshots.getLatestSnapshot());
    }

    @Override
    public void reinitialize() throws IOException {
        restore(snapshots.loadLatestSnapshot());
    }

    /** Restores the state (see the class comment); @throws IOException if the store lags the latest snapshot */
    private void restore(SingleFileSnapshotInfo latest) throws IOException {
        long snapshotIndex = latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
        if (apply.durable()) {
            ReplicatedApply.Applied a = apply.restore();
            long index = a == null ? RaftLog.INVALID_LOG_INDEX : a.index();
            if (index < snapshotIndex) {
                throw new IOException("namespace " + namespace + ": the store's applied index " + index
                        + " is behind snapshot " + latest.getTermIndex() + ": installing a snapshot into the store is not supported");
            }
            if (a != null) {
                setLastAppliedTermIndex(TermIndex.valueOf(a.term(), a.index()));
                restoredIndex = a.index();
            }
            log.info("namespace {}: state machine restored at applied index {} (term {}), {} request ID(s) remembered",
                    namespace, index, a == null ? 0 : a.term(), apply.dedupeSize());
            return;
        }
        if (latest == null) return;
        File f = latest.getFile().getPath().toFile();
        MD5Hash md5 = latest.getFile().getFileDigest();
        if (md5 != null) MD5FileUtil.verifySavedMD5(f, md5);
        NamespaceSnapshot s;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f.toPath()))) {
            s = NamespaceSnapshot.read(namespace, in);
        }
        apply.restore(s);
        setLastAppliedTermIndex(TermIndex.valueOf(s.term(), s.index()));
        restoredIndex = s.index();
        log.info("namespace {}: state machine restored from snapshot {} (term {})", namespace, s.index(), s.term());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() { return snapshots; }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto e = trx.getLogEntry();
        long index = e.getIndex();
        if (index <= restoredIndex) { // its effects are in the store: never apply twice
            return CompletableFuture.completedFuture(message(BlockReply.OK));
        }
        BlockReply reply;
        try {
            BlockRequest r = BlockCodecs.decodeRequest(buffer(e.getStateMachineLogEntry().getLogData()));
            reply = apply.apply(r, e.getTerm(), index, trx.getServerRole() == RaftPeerRole.LEADER);
        } catch (io.nvmegate.storage.StorageException | IllegalStateException ex) {
            // thrown on Ratis's apply thread, not returned as a failed future: Ratis then closes this replica's
            // division instead of moving its applied index past an entry whose effects are not in the store
            log.error("namespace {}: applying log entry {} (term {}) failed; this replica stops: {}",
                    namespace, index, e.getTerm(), ex.toString());
            throw ex;
        } catch (RuntimeException ex) { // an undecodable entry: the same on every replica, answered, not applied
            log.warn("namespace {}: log entry {} not a block request: {}", namespace, index, ex.toString());
            reply = BlockReply.status(Status.INTERNAL_ERROR);
        }
        updateLastAppliedTermIndex(e.getTerm(), index);
        return CompletableFuture.completedFuture(message(reply));
    }

    /**
     * A log entry that is not a state-machine entry (configuration, a new leader's first entry) was applied. Ratis
     * replays the log from its latest snapshot, not from our restored applied index: entries at or below that are
     * ignored here as in {@link #applyTransaction} (the applied index never moves back).
     */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (index <= restoredIndex) return;
        super.notifyTermIndexUpdated(term, index);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            return CompletableFuture.completedFuture(message(apply.query(BlockCodecs.decodeRequest(buffer(request.getContent())))));
        } catch (io.nvmegate.storage.StorageException | IllegalStateException ex) {
            log.warn("namespace {}: read failed: {}", namespace, ex.toString());
            return CompletableFuture.completedFuture(message(BlockReply.status(Status.INTERNAL_ERROR)));
        } catch (RuntimeException ex) {
            log.warn("namespace {}: query not a block request: {}", namespace, ex.toString());
            return CompletableFuture.completedFuture(message(BlockReply.status(Status.INTERNAL_ERROR)));
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) return RaftLog.INVALID_LOG_INDEX;
        apply.persistApplied(last.getTerm(), last.getIndex());
        File file = snapshots.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp.toPath()))) {
            apply.snapshot(last.getTerm(), last.getIndex()).write(namespace, out);
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        snapshots.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        log.info("namespace {}: snapshot at applied index {} (term {})", namespace, last.getIndex(), last.getTerm());
        return last.getIndex();
    }
}

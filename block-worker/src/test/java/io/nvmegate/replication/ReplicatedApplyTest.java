package io.nvmegate.replication;

import io.nvmegate.blockio.BlockOp;
import io.nvmegate.blockio.BlockReply;
import io.nvmegate.blockio.BlockRequest;
import io.nvmegate.blockio.ReservationNotice;
import io.nvmegate.blockio.RequestId;
import io.nvmegate.catalog.NamespaceSpec;
import io.nvmegate.protocol.Status;
import io.nvmegate.storage.MemoryBlockStore;
import io.nvmegate.storage.NullBlockStore;
import io.nvmegate.storage.ReplicaStateKeys;
import io.nvmegate.storage.RocksDbBlockStore;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deterministic apply of log entries on one replica's real RocksDB store, without Raft: dedupe, request check,
 * Compare and Write, reservations, leader-only notices, restore after a reopen, the null backend's snapshot state.
 */
class ReplicatedApplyTest {
    static final UUID NS = UUID.fromString("7a1c1a52-7d3e-4b7a-9a59-0c6f3c0e1a01");
    static final int BS = 512;
    static final NamespaceSpec SPEC = new NamespaceSpec("nqn.2014-08.org.nvmexpress:uuid:x", 1, NS, 1 << 20, BS, "rocksdb",
            "w1", true, 1, 3, List.of("w1", "w2", "w3"));
    static final UUID H1 = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    static final UUID H2 = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    static final UUID CLIENT = UUID.randomUUID();

    @TempDir
    Path dir;
    RocksDbBlockStore store;
    final List<ReservationNotice> notices = new ArrayList<>();
    ReplicatedApply apply;
    long index;

    @BeforeEach
    void open() {
        store = new RocksDbBlockStore(dir.resolve("rocksdb"));
        apply = new ReplicatedApply(NS, () -> SPEC, store, (ns, n) -> notices.add(n));
    }

    @AfterEach
    void close() {
        store.close();
    }

    BlockReply apply(BlockRequest r, long call) {
        return apply.apply(call < 0 ? r : r.withRequestId(new RequestId(CLIENT, call)), 1, ++index, true);
    }

    static Buffer fill(int nlb, int v) {
        byte[] b = new byte[nlb * BS];
        java.util.Arrays.fill(b, (byte) v);
        return Buffer.buffer(b);
    }

    static Buffer le(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return Buffer.buffer(b.array());
    }

    static BlockRequest register(UUID host, long key) {
        return BlockRequest.reservation(BlockOp.RESERVATION_REGISTER, NS, 0, 0, le(0, key), host, 1);
    }

    static BlockRequest acquire(UUID host, int racqa, int rtype, long crkey, long prkey) {
        return BlockRequest.reservation(BlockOp.RESERVATION_ACQUIRE, NS, racqa | rtype << 8, 0, le(crkey, prkey), host, 1);
    }

    long storedIndex() {
        return ByteBuffer.wrap(store.getState(ReplicaStateKeys.appliedIndex(NS))).getLong(8);
    }

    @Test
    void aRepeatedRequestIdAnswersTheFirstReplyWithoutApplying() {
        assertThat(apply(BlockRequest.write(NS, BS, 3, 1, false, fill(1, 1)), 1).status()).isZero();
        assertThat(apply(BlockRequest.write(NS, BS, 3, 1, false, fill(1, 2)), 2).status()).isZero();
        assertThat(apply(BlockRequest.write(NS, BS, 3, 1, false, fill(1, 1)), 1).status()).isZero();
        assertThat(store.read(NS, BS, 3, 1).getByte(0)).isEqualTo((byte) 2);
        assertThat(storedIndex()).as("a repeat changes nothing, not even the stored index").isEqualTo(2);
    }

    @Test
    void compareAndWriteComparesThenWritesInOneApply() {
        apply(BlockRequest.write(NS, BS, 0, 2, false, fill(2, 5)), 1);
        Buffer miss = Buffer.buffer().appendBuffer(fill(2, 6)).appendBuffer(fill(2, 7));
        assertThat(apply(BlockRequest.compareAndWrite(NS, BS, 0, 2, false, miss), 2).status()).isEqualTo(Status.COMPARE_FAILURE);
        assertThat(storedIndex()).as("a failed compare still advances the applied index").isEqualTo(2);
        Buffer hit = Buffer.buffer().appendBuffer(fill(2, 5)).appendBuffer(fill(2, 7));
        assertThat(apply(BlockRequest.compareAndWrite(NS, BS, 0, 2, true, hit), 3).status()).isZero();
        assertThat(store.read(NS, BS, 0, 2).getBytes()).isEqualTo(fill(2, 7).getBytes());
    }

    @Test
    void requestsAreCheckedAgainstTheNamespaceAtApply() {
        assertThat(apply(BlockRequest.write(NS, BS, SPEC.blocks(), 1, false, fill(1, 1)), 1).status())
                .isEqualTo(Status.dnr(Status.LBA_OUT_OF_RANGE));
        assertThat(apply(BlockRequest.write(NS, 4096, 0, 1, false, fill(8, 1)), 2).status()).isEqualTo(Status.dnr(Status.INVALID_FIELD));
        assertThat(apply(BlockRequest.write(UUID.randomUUID(), BS, 0, 1, false, fill(1, 1)), 3).status()).isEqualTo(Status.NAMESPACE_NOT_READY);
        assertThat(apply(BlockRequest.flush(NS), 4).status()).as("FLUSH: committed, nothing more to do").isZero();
        assertThat(storedIndex()).isEqualTo(4);
        assertThat(apply.query(BlockRequest.write(NS, BS, 0, 1, false, fill(1, 1))).status()).as("not a read")
                .isEqualTo(Status.dnr(Status.INVALID_FIELD));
    }

    @Test
    void reservationsGateStorageOpsAndReadsAndNotifyOnlyOnTheLeader() {
        apply(register(H1, 0xA1), 1);
        apply(register(H2, 0xB2), 2);
        assertThat(apply(acquire(H1, 0, 2, 0xA1, 0), 3).status()).as("Exclusive Access").isZero();
        assertThat(apply(BlockRequest.write(NS, BS, 0, 1, false, fill(1, 1)).withHost(H2, 2), 4).status())
                .isEqualTo(Status.dnr(Status.RESERVATION_CONFLICT));
        assertThat(apply.query(BlockRequest.read(NS, BS, 0, 1).withHost(H2, 2)).status()).isEqualTo(Status.dnr(Status.RESERVATION_CONFLICT));
        assertThat(apply.query(BlockRequest.read(NS, BS, 0, 1).withHost(H1, 1)).status()).isZero();
        assertThat(apply.query(BlockRequest.read(NS, BS, 0, 1)).status()).as("the gateway's own request").isZero();

        // H2 preempts H1: H1 gets Registration Preempted, but only from the leader
        assertThat(apply.apply(acquire(H2, 1, 2, 0xB2, 0xA1), 1, ++index, false).status()).isZero();
        assertThat(notices).as("a follower publishes nothing").isEmpty();
        apply(register(H1, 0xA1), 6);
        assertThat(apply(acquire(H2, 1, 2, 0xB2, 0xA1), 7).status()).isZero();
        assertThat(notices).extracting(ReservationNotice::host).containsExactly(H1);
    }

    @Test
    void aReopenedStoreRestoresAppliedIndexDedupeAndReservations() {
        apply(register(H1, 0xA1), 1);
        apply(acquire(H1, 0, 1, 0xA1, 0), 2);
        apply(BlockRequest.write(NS, BS, 8, 1, false, fill(1, 9)), 3);
        store.close();
        store = new RocksDbBlockStore(dir.resolve("rocksdb"));
        ReplicatedApply again = new ReplicatedApply(NS, () -> SPEC, store, null);
        ReplicatedApply.Applied a = again.restore();
        assertThat(a).isEqualTo(new ReplicatedApply.Applied(1, 3));
        assertThat(again.dedupeSize()).isEqualTo(3);
        assertThat(again.reservations().holder()).isEqualTo(H1);
        assertThat(again.reservations().generation()).isEqualTo(1);
        assertThat(again.apply(register(H1, 0xA1).withRequestId(new RequestId(CLIENT, 1)), 1, 4, true).status()).isZero();
        assertThat(again.reservations().generation()).as("a remembered register is not applied again").isEqualTo(1);
        assertThat(again.apply(BlockRequest.write(NS, BS, 8, 1, false, fill(1, 1)).withHost(UUID.randomUUID(), 3), 1, 5, true).status())
                .as("Write Exclusive held by H1").isEqualTo(Status.dnr(Status.RESERVATION_CONFLICT));
    }

    @Test
    void theNullBackendKeepsItsStateInTheSnapshot() {
        NullBlockStore none = new NullBlockStore();
        ReplicatedApply a = new ReplicatedApply(NS, () -> SPEC, none, null);
        assertThat(a.durable()).isFalse();
        a.apply(register(H1, 0xA1).withRequestId(new RequestId(CLIENT, 1)), 2, 10, true);
        a.apply(BlockRequest.write(NS, BS, 0, 1, false, fill(1, 1)).withRequestId(new RequestId(CLIENT, 2)), 2, 11, true);
        assertThat(a.restore()).as("nothing in a store").isNull();
        NamespaceSnapshot s = a.snapshot(2, 11);
        ReplicatedApply b = new ReplicatedApply(NS, () -> SPEC, none, null);
        b.restore(s);
        assertThat(b.dedupeSize()).isEqualTo(2);
        assertThat(b.reservations().registrants()).containsOnlyKeys(H1);
    }

    @Test
    void aStoreThatCannotKeepTheAppliedIndexIsRefused() {
        assertThatThrownBy(() -> new ReplicatedApply(NS, () -> SPEC, new MemoryBlockStore(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rocksdb or null");
    }

    @Test
    void persistAppliedStoresTheIndexAlone() {
        apply.persistApplied(3, 77);
        assertThat(storedIndex()).isEqualTo(77);
    }
}
